import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteReader } from "../binary/byte-reader.js";
import { ByteWriter } from "../binary/byte-writer.js";
import { hashValue } from "./hash64.js";
import { HyperLogLog } from "./hyperloglog.js";

describe("HyperLogLog", () => {
  it("is near exact for small cardinalities (the linear-counting range)", () => {
    for (const n of [0, 1, 2, 10, 50, 200]) {
      const sketch = new HyperLogLog();
      for (let i = 0; i < n; i++) sketch.add(`user-${i}`);
      for (let i = 0; i < n; i++) sketch.add(`user-${i}`); // duplicates change nothing
      expect(Math.abs(sketch.estimate() - n)).toBeLessThanOrEqual(Math.max(1, 0.01 * n));
    }
  });

  it("stays within three standard errors (0.81% each at p = 14) across the range", () => {
    const families: Record<string, (i: number) => number | string | bigint> = {
      integers: (i) => i,
      floats: (i) => i * 0.001 - 17.5,
      strings: (i) => `id-${i.toString(36)}`,
      bigints: (i) => 2n ** 60n + BigInt(i),
    };
    for (const [name, value] of Object.entries(families)) {
      for (const n of [1_000, 20_000, 200_000]) {
        const sketch = new HyperLogLog({ precision: 14 });
        for (let i = 0; i < n; i++) sketch.add(value(i));
        const relative = Math.abs(sketch.estimate() - n) / n;
        expect(relative, `${name} n=${n}`).toBeLessThanOrEqual(3 * sketch.standardError);
      }
    }
  });

  it("hashes values by meaning: 1, 1.0 and 1n agree; '1' and true differ; -0 is 0", () => {
    const hash = (v: number | string | boolean | bigint) => {
      const out = new Uint32Array(2);
      hashValue(v, out);
      return [...out];
    };
    expect(hash(1)).toEqual(hash(1n));
    expect(hash(-0)).toEqual(hash(0));
    expect(hash("1")).not.toEqual(hash(1));
    expect(hash(true)).not.toEqual(hash(1));
    expect(hash("héllo")).toEqual(hash("héllo"));
    const utf8 = new HyperLogLog();
    utf8.addUtf8(new TextEncoder().encode("héllo"), 0, 6);
    const text = new HyperLogLog();
    text.add("héllo");
    expect(utf8.equals(text)).toBe(true);
  });

  it("property: merging partitions gives exactly the registers of the union", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.string(), fc.double({ noNaN: true })), { maxLength: 400 }),
        fc.nat(),
        (values, cut) => {
          const at = values.length === 0 ? 0 : cut % values.length;
          const a = new HyperLogLog({ precision: 10 });
          const b = new HyperLogLog({ precision: 10 });
          const all = new HyperLogLog({ precision: 10 });
          values.forEach((v, i) => {
            (i < at ? a : b).add(v);
            all.add(v);
          });
          expect(a.merge(b).equals(all)).toBe(true);
          expect(b.merge(a).equals(all)).toBe(true);
          expect(
            a
              .merge(new HyperLogLog({ precision: 10 }))
              .mergeInPlace(b)
              .equals(all),
          ).toBe(true);
        },
      ),
      { seed: 6, numRuns: 100 },
    );
  });

  it("round-trips sparse and dense forms, and rejects bad bytes", () => {
    const sparse = new HyperLogLog();
    for (let i = 0; i < 100; i++) sparse.add(i);
    const dense = new HyperLogLog({ precision: 8 });
    for (let i = 0; i < 10_000; i++) dense.add(i);
    for (const sketch of [sparse, dense, new HyperLogLog()]) {
      const bytes = sketch.serialize();
      const copy = HyperLogLog.deserialize(bytes);
      expect(copy.equals(sketch)).toBe(true);
      expect(copy.estimate()).toBe(sketch.estimate());
    }
    expect(sparse.serialize().length).toBeLessThan(600); // 100 registers × 5 bytes + header, not 16 KiB
    const bytes = dense.serialize();
    expect(() => HyperLogLog.deserialize(bytes.subarray(0, bytes.length - 1))).toThrow(
      expect.objectContaining({ code: "SKETCH_CORRUPT" }),
    );
    const badRank = bytes.slice();
    badRank[10] = 200;
    expect(() => HyperLogLog.deserialize(badRank)).toThrow(
      expect.objectContaining({ code: "SKETCH_CORRUPT" }),
    );
    expect(() => new HyperLogLog({ precision: 3 })).toThrow(
      expect.objectContaining({ code: "SKETCH_INVALID_OPTION" }),
    );
    expect(() => sparse.merge(dense)).toThrow(expect.objectContaining({ code: "SKETCH_INCOMPATIBLE" }));
  });

  it("writes into and reads from a larger record, several sketches back to back", () => {
    const a = new HyperLogLog({ precision: 6 });
    const b = new HyperLogLog({ precision: 12 });
    for (let i = 0; i < 500; i++) a.add(i);
    for (let i = 0; i < 30; i++) b.add(`k${i}`);
    const writer = new ByteWriter();
    writer.string("header");
    a.writeTo(writer);
    b.writeTo(writer);
    const reader = new ByteReader(writer.finish(), "record");
    expect(reader.string()).toBe("header");
    expect(HyperLogLog.readFrom(reader).equals(a)).toBe(true);
    expect(HyperLogLog.readFrom(reader).equals(b)).toBe(true);
    reader.end();
  });
});
