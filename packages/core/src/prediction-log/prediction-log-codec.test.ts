import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import type { EventRecord } from "../event-stream/types.js";
import {
  decodePredictionLogRecord,
  encodePredictionLogRecord,
  PREDICTION_LOG_CONTENT_TYPE,
} from "./prediction-log-codec.js";
import type { PredictionLogRecordInput } from "./prediction-log-record.js";

const base: PredictionLogRecordInput = {
  model: "churn",
  modelVersion: "3",
  requestId: "r-1",
  eventTime: 1_764_583_200_000,
  features: { tenure: 12, plan: "pro", active: true, region: null },
  predictions: { score: 0.83, label: "churn" },
  latencyMs: 4.5,
};

function asEventRecord(input: ReturnType<typeof encodePredictionLogRecord>): EventRecord {
  return {
    topic: "predictions",
    partition: 0,
    offset: 7,
    key: typeof input.key === "string" ? new TextEncoder().encode(input.key) : (input.key ?? null),
    value: input.value as Uint8Array,
    timestamp: input.timestamp as number,
    headers: {},
  };
}

function expectInvalid(fn: () => unknown, fragment: string): void {
  try {
    fn();
  } catch (error) {
    expect(BallastError.isInstance(error, "PREDICTION_LOG_INVALID")).toBe(true);
    expect((error as Error).message).toContain(fragment);
    return;
  }
  throw new Error("expected PREDICTION_LOG_INVALID");
}

describe("prediction-log codec", () => {
  it("encodes key, timestamp and a JSON value with the schema version", () => {
    const encoded = encodePredictionLogRecord(base);
    expect(encoded.key).toBe("r-1");
    expect(encoded.timestamp).toBe(base.eventTime);
    expect(encoded.headers).toEqual({ "content-type": PREDICTION_LOG_CONTENT_TYPE });
    const json = JSON.parse(new TextDecoder().decode(encoded.value as Uint8Array));
    expect(json).toEqual({ ...base, schemaVersion: 1 });
  });

  it("round-trips arbitrary valid records (property)", () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
    );
    // zod drops a "__proto__" key from records (prototype-pollution guard); no feature is named so.
    const name = fc.string().filter((k) => k !== "__proto__");
    const record = fc.record(
      {
        model: fc.string({ minLength: 1 }),
        modelVersion: fc.string({ minLength: 1 }),
        requestId: fc.string({ minLength: 1 }),
        eventTime: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        features: fc.dictionary(name, value),
        predictions: fc.dictionary(name, value, { minKeys: 1 }),
        label: value,
        labelTime: fc.integer({ min: 0, max: 2 ** 45 }),
        latencyMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
      },
      { requiredKeys: ["model", "modelVersion", "requestId", "eventTime", "features", "predictions"] },
    );
    fc.assert(
      fc.property(record, (input) => {
        const decoded = decodePredictionLogRecord(asEventRecord(encodePredictionLogRecord(input)));
        // JSON has no negative zero: -0 is written as 0.
        const normalise = (x: unknown) => JSON.parse(JSON.stringify(x));
        expect(decoded).toEqual(normalise({ ...input, schemaVersion: 1 }));
      }),
    );
  });

  it("refuses non-finite numbers, empty outputs and fractional times, naming the field", () => {
    expectInvalid(
      () => encodePredictionLogRecord({ ...base, features: { tenure: Number.NaN } }),
      "features.tenure",
    );
    expectInvalid(() => encodePredictionLogRecord({ ...base, predictions: {} }), "predictions");
    expectInvalid(() => encodePredictionLogRecord({ ...base, eventTime: 1.5 }), "eventTime");
    expectInvalid(() => encodePredictionLogRecord({ ...base, model: "" }), "model");
  });

  it("refuses bytes that are not JSON or not a record, naming where they were read", () => {
    const record = asEventRecord(encodePredictionLogRecord(base));
    expectInvalid(
      () => decodePredictionLogRecord({ ...record, value: new Uint8Array([0xff, 0xfe]) }),
      "predictions/0@7",
    );
    expectInvalid(
      () => decodePredictionLogRecord(new TextEncoder().encode('{"schemaVersion":2}')),
      "schemaVersion",
    );
  });

  it("ignores fields it does not know (newer writers)", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...base, schemaVersion: 1, extra: { a: 1 } }));
    expect(decodePredictionLogRecord(bytes)).toEqual({ ...base, schemaVersion: 1 });
  });
});
