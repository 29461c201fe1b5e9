import { Float64, Table, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import type { DatasetProfile } from "./column-profile.js";
import { profile } from "./profile.js";
import { deserializeProfile, serializeProfile } from "./profile-serialization.js";

function sample(): DatasetProfile {
  return profile(
    new Table({
      x: vectorFromArray([1.5, null, 3, Number.NaN, 4, 8], new Float64()),
      s: vectorFromArray(["a", "b", "a", null, "c", "a"], new Utf8()),
      h: vectorFromArray([1, 2, 3, 4, 5, 6], new Float64()),
    }),
    { seed: 4, createdAt: 1_700_000_000_000, histogramEdges: { h: [0, 3, 6] } },
  );
}

function comparable(p: DatasetProfile) {
  return [...p.columns.values()].map(({ distinct, frequent, quantiles, ...rest }) => ({
    ...rest,
    distinct: [...distinct.serialize()],
    frequent: frequent.topK(),
    quantiles: quantiles ? [...quantiles.serialize()] : null,
  }));
}

describe("serializeProfile / deserializeProfile", () => {
  it("round-trips every field", () => {
    const original = sample();
    const bytes = serializeProfile(original);
    const copy = deserializeProfile(bytes);
    expect(copy.rowCount).toBe(6);
    expect(copy.createdAt).toBe(original.createdAt);
    expect(copy.settings).toEqual(original.settings);
    expect(comparable(copy)).toEqual(comparable(original));
    expect(serializeProfile(copy)).toEqual(bytes);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe("BLPF");
  });

  it("is compact: sparse HyperLogLog registers for few distinct values", () => {
    // Three small columns; dense 16 KiB registers would make this over 48 KB.
    expect(serializeProfile(sample()).length).toBeLessThan(4000);
  });

  it("throws MONITORING_PROFILE_CORRUPT for every single-byte change", () => {
    const bytes = serializeProfile(sample());
    for (let i = 0; i < bytes.length; i++) {
      const changed = bytes.slice();
      changed[i] = changed[i]! ^ (1 << (i % 8));
      expect(() => deserializeProfile(changed), `byte ${i}`).toThrow(
        expect.objectContaining({ code: "MONITORING_PROFILE_CORRUPT" }),
      );
    }
  });

  it("throws MONITORING_PROFILE_CORRUPT for every truncation and for padding", () => {
    const bytes = serializeProfile(sample());
    for (let length = 0; length < bytes.length; length++) {
      expect(() => deserializeProfile(bytes.subarray(0, length)), `length ${length}`).toThrow(
        expect.objectContaining({ code: "MONITORING_PROFILE_CORRUPT" }),
      );
    }
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(() => deserializeProfile(padded)).toThrow(
      expect.objectContaining({ code: "MONITORING_PROFILE_CORRUPT" }),
    );
    expect(() => deserializeProfile(new TextEncoder().encode("not a profile at all"))).toThrow(
      expect.objectContaining({ code: "MONITORING_PROFILE_CORRUPT" }),
    );
  });
});
