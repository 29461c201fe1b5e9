import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HyperLogLog, hashString } from "./hyperloglog.js";

describe("HyperLogLog", () => {
  it("is exact-ish for tiny sets (linear counting) and ignores repeats", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 50 }), fc.nat({ max: 3 }), (keys, repeats) => {
        const sketch = new HyperLogLog();
        for (let r = 0; r <= repeats; r++) for (const key of keys) sketch.add(key);
        expect(Math.abs(sketch.estimate() - keys.length)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it.each([1_000, 20_000, 200_000])("estimates %i distinct keys within 5%", (n) => {
    const sketch = new HyperLogLog();
    for (let k = 0; k < n; k++) sketch.add(`user-${k}`);
    expect(Math.abs(sketch.estimate() - n) / n).toBeLessThan(0.05);
  });

  it("hashes to unsigned 32-bit integers, deterministically", () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const h = hashString(key);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
        expect(hashString(key)).toBe(h);
      }),
    );
  });
});
