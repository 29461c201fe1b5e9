import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { ByteReader } from "./byte-reader.js";
import { ByteWriter } from "./byte-writer.js";

describe("ByteWriter and ByteReader", () => {
  it("property: every written value reads back in order", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 255 }),
        fc.nat({ max: 65_535 }),
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.double(),
        fc.float64Array({ maxLength: 40 }),
        fc.string(),
        fc.uint8Array({ maxLength: 600 }),
        (u8, u16, u32, i64, f64, f64s, text, block) => {
          const writer = new ByteWriter();
          writer.u8(u8);
          writer.u16(u16);
          writer.u32(u32);
          writer.i64(i64);
          writer.f64(f64);
          writer.u32(f64s.length);
          writer.f64s(f64s);
          writer.string(text);
          writer.block(block);
          const reader = new ByteReader(writer.finish(), "record");
          expect(reader.u8()).toBe(u8);
          expect(reader.u16()).toBe(u16);
          expect(reader.u32()).toBe(u32);
          expect(reader.i64()).toBe(i64);
          expect(reader.f64()).toBe(f64);
          expect([...reader.f64s(reader.u32())]).toEqual([...f64s]);
          expect(reader.string()).toBe(text);
          expect([...reader.block()]).toEqual([...block]);
          reader.end();
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it("fails on truncated input, trailing bytes and bad UTF-8, with the caller's error when given", () => {
    const writer = new ByteWriter();
    writer.u32(7);
    const bytes = writer.finish();
    expect(() => new ByteReader(bytes.subarray(0, 3), "record").u32()).toThrow(
      expect.objectContaining({
        code: "BINARY_CORRUPT",
        message: expect.stringContaining("Cannot read the record"),
      }),
    );
    expect(() => new ByteReader(bytes, "record").end()).toThrow(
      expect.objectContaining({ code: "BINARY_CORRUPT" }),
    );
    const badText = new ByteWriter();
    badText.block(new Uint8Array([0xff, 0xfe]));
    expect(() => new ByteReader(badText.finish(), "record").string()).toThrow(
      expect.objectContaining({ code: "BINARY_CORRUPT" }),
    );
    const own = (what: string, problem: string) => new BallastError("OWN_CORRUPT", `${what}: ${problem}`);
    expect(() => new ByteReader(bytes.subarray(0, 1), "sketch", own).u32()).toThrow(
      expect.objectContaining({ code: "OWN_CORRUPT" }),
    );
  });
});
