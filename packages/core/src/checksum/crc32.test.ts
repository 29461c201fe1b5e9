import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32, crc32Portable } from "./crc32.js";

describe("crc32", () => {
  it("gives the standard check value (CRC-32/ISO-HDLC of '123456789' is 0xCBF43926)", () => {
    const check = new TextEncoder().encode("123456789");
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Portable(check)).toBe(0xcbf43926);
  });

  it("native and table versions agree, and continuing from a prefix's CRC equals the CRC of the whole", () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (head, tail) => {
        const whole = new Uint8Array([...head, ...tail]);
        expect(crc32Portable(whole)).toBe(crc32(whole));
        expect(crc32(tail, crc32(head))).toBe(crc32(whole));
        expect(crc32Portable(tail, crc32Portable(head))).toBe(crc32(whole));
      }),
    );
  });
});
