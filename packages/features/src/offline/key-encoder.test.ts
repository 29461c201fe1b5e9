import { Field, Int32, Int64, Utf8, vectorFromArray } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyEncoder } from "./key-encoder.js";

type Key = [bigint | null, string | null];

/** Ids as the encoder gives them, for the entity keys (inserted) and the probe keys (looked up). */
function encode(entityKeys: readonly Key[], probeKeys: readonly Key[], composite: boolean) {
  const encoder = new KeyEncoder(composite ? ["a", "b"] : ["a"]);
  const fields = [new Field("a", new Int64(), true), new Field("b", new Utf8(), true)];
  const data = (keys: readonly Key[]) => [
    vectorFromArray(
      keys.map((k) => k[0]),
      new Int64(),
    ).data[0]!,
    vectorFromArray(
      keys.map((k) => k[1]),
      new Utf8(),
    ).data[0]!,
  ];
  const entityIds = new Int32Array(entityKeys.length);
  encoder.encode(fields, data(entityKeys), entityIds, 0, true, "entities");
  const probeIds = new Int32Array(probeKeys.length);
  encoder.encode(fields, data(probeKeys), probeIds, 0, false, "probe");
  return { entityIds: [...entityIds], probeIds: [...probeIds], size: encoder.size };
}

/** The expected ids, from a Map over the key tuples' text: dense in order of first insertion. */
function expected(entityKeys: readonly Key[], probeKeys: readonly Key[], composite: boolean) {
  const ids = new Map<string, number>();
  const text = (k: Key) => (composite ? `${k[0]}|${k[1]}` : `${k[0]}`);
  const isNull = (k: Key) => k[0] === null || (composite && k[1] === null);
  const entityIds = entityKeys.map((k) => {
    if (isNull(k)) return -1;
    if (!ids.has(text(k))) ids.set(text(k), ids.size);
    return ids.get(text(k))!;
  });
  const probeIds = probeKeys.map((k) => (isNull(k) ? -1 : (ids.get(text(k)) ?? -1)));
  return { entityIds, probeIds, size: ids.size };
}

describe("KeyEncoder", () => {
  it("gives equal tuples equal dense ids and unknown or null tuples -1 (dense and sparse integers)", () => {
    const dense = fc.bigInt({ min: -3n, max: 40n });
    const sparse = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    const key = (ints: fc.Arbitrary<bigint>) =>
      fc.tuple(
        fc.option(ints, { freq: 8 }),
        fc.option(fc.constantFrom("x", "y", ""), { freq: 8 }),
      ) as fc.Arbitrary<Key>;
    for (const ints of [dense, sparse, fc.oneof(dense, sparse)]) {
      fc.assert(
        fc.property(
          fc.array(key(ints), { maxLength: 60 }),
          fc.array(key(ints), { maxLength: 60 }),
          fc.boolean(),
          (e, p, composite) => {
            // Probes include every entity key too, so hits are frequent.
            const probes = [...p, ...e];
            expect(encode(e, probes, composite)).toEqual(expected(e, probes, composite));
          },
        ),
        { numRuns: 200 },
      );
    }
  });

  it("matches an int32 column to an int64 column by value", () => {
    const encoder = new KeyEncoder(["a"]);
    const ids = new Int32Array(3);
    encoder.encode(
      [new Field("a", new Int64())],
      [vectorFromArray([5n, -7n, 2n ** 40n], new Int64()).data[0]!],
      ids,
      0,
      true,
      "e",
    );
    const probe = new Int32Array(3);
    encoder.encode(
      [new Field("a", new Int32())],
      [vectorFromArray([-7, 5, 6], new Int32()).data[0]!],
      probe,
      0,
      false,
      "p",
    );
    expect([...probe]).toEqual([1, 0, -1]);
  });
});
