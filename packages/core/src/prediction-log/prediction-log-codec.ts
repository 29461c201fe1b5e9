import type { z } from "zod";
import type { EventRecord, EventRecordInput } from "../event-stream/types.js";
import { PredictionLogInvalidError } from "./prediction-log-error.js";
import {
  type PredictionLogRecord,
  type PredictionLogRecordInput,
  predictionLogRecordSchema,
} from "./prediction-log-record.js";

/** Content type header value of encoded records. */
export const PREDICTION_LOG_CONTENT_TYPE = "application/vnd.ballast.prediction-log.v1+json";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(record)"}: ${issue.message}`);
}

/**
 * Validates a record and turns it into an event-stream record: the value is the record as UTF-8
 * JSON, the key its request id (requests spread evenly over partitions; monitors order by event
 * time, not by partition), the timestamp its event time.
 *
 * JSON rather than a binary encoding: feature sets differ per model and change over time, so a
 * self-describing encoding lets old monitors read new records (unknown fields are ignored) and any
 * Kafka tool show them; the record is small next to the model call that produced it.
 *
 * @throws PredictionLogInvalidError `PREDICTION_LOG_INVALID` naming each bad field.
 * @example
 * await stream.append("predictions", [encodePredictionLogRecord({ model: "churn", modelVersion: "3",
 *   requestId: "r-1", eventTime: Date.now(), features: { tenure: 12 }, predictions: { score: 0.8 } })]);
 */
export function encodePredictionLogRecord(record: PredictionLogRecordInput): EventRecordInput {
  const parsed = predictionLogRecordSchema.safeParse({ ...record, schemaVersion: 1 });
  if (!parsed.success) {
    throw new PredictionLogInvalidError("Invalid prediction-log record.", issuesOf(parsed.error));
  }
  return {
    key: parsed.data.requestId,
    value: encoder.encode(JSON.stringify(parsed.data)),
    timestamp: parsed.data.eventTime,
    headers: { "content-type": PREDICTION_LOG_CONTENT_TYPE },
  };
}

/**
 * Reads a record written by {@link encodePredictionLogRecord} from an event-stream record or its
 * value bytes. Fields this version does not know are dropped.
 *
 * @throws PredictionLogInvalidError `PREDICTION_LOG_INVALID` when the bytes are not UTF-8 JSON or
 *   the record does not match the schema (details name the topic, partition and offset when known).
 */
export function decodePredictionLogRecord(source: EventRecord | Uint8Array): PredictionLogRecord {
  const bytes = source instanceof Uint8Array ? source : source.value;
  const where =
    source instanceof Uint8Array ? "" : ` at ${source.topic}/${source.partition}@${source.offset}`;
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new PredictionLogInvalidError(`Prediction-log record${where} is not UTF-8 JSON.`, [], { cause });
  }
  const parsed = predictionLogRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new PredictionLogInvalidError(
      `Prediction-log record${where} does not match the schema.`,
      issuesOf(parsed.error),
    );
  }
  return parsed.data;
}
