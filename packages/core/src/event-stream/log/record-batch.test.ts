import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBatch, encodeBatch, type FrameInput, inspectBatch } from "./record-batch.js";

const record: fc.Arbitrary<FrameInput> = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
  value: fc.uint8Array({ maxLength: 300 }),
  timestamp: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
  headers: fc.array(fc.tuple(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 30 })), {
    maxLength: 3,
  }),
});
const batch = fc.tuple(
  fc.integer({ min: 0, max: 2 ** 53 - 2 ** 33 }),
  fc.array(record, { minLength: 1, maxLength: 20 }),
);

describe("record batch framing", () => {
  it("decodes what it encodes", () => {
    fc.assert(
      fc.property(batch, ([baseOffset, records]) => {
        const frame = encodeBatch(baseOffset, records);
        const check = inspectBatch(frame, 0);
        expect(check).toEqual({ kind: "ok", size: frame.length, baseOffset, count: records.length });
        const decoded = decodeBatch(frame, 0, frame.length);
        expect(decoded.map((r) => r.offset)).toEqual(records.map((_, i) => baseOffset + i));
        expect(
          decoded.map(({ key, value, timestamp, headers }) => ({
            key: key && [...key],
            value: [...value],
            timestamp,
            headers: headers.map(([n, v]) => [[...n], [...v]]),
          })),
        ).toEqual(
          records.map(({ key, value, timestamp, headers = [] }) => ({
            key: key && [...key],
            value: [...value],
            timestamp,
            headers: headers.map(([n, v]) => [[...n], [...v]]),
          })),
        );
      }),
    );
  });

  it("reports every truncation as incomplete", () => {
    fc.assert(
      fc.property(batch, fc.nat(), ([baseOffset, records], cut) => {
        const frame = encodeBatch(baseOffset, records);
        const torn = frame.subarray(0, cut % frame.length);
        expect(inspectBatch(torn, 0).kind).toBe("incomplete");
      }),
    );
  });

  it("reports any flipped byte as corrupt or incomplete, never ok", () => {
    fc.assert(
      fc.property(batch, fc.nat(), fc.integer({ min: 1, max: 255 }), ([baseOffset, records], at, flip) => {
        const frame = encodeBatch(baseOffset, records);
        const damaged = Uint8Array.from(frame);
        const index = at % frame.length;
        damaged[index] = damaged[index]! ^ flip;
        expect(inspectBatch(damaged, 0).kind).not.toBe("ok");
      }),
    );
  });

  it("finds consecutive frames in one buffer", () => {
    const a = encodeBatch(0, [{ key: null, value: new Uint8Array([1]), timestamp: 1, headers: [] }]);
    const b = encodeBatch(1, [{ key: null, value: new Uint8Array([2]), timestamp: 2, headers: [] }]);
    const both = new Uint8Array([...a, ...b]);
    expect(inspectBatch(both, a.length)).toMatchObject({ kind: "ok", baseOffset: 1, count: 1 });
  });
});
