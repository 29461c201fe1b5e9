import { z } from "zod";

/**
 * One logged value: a feature value, a model output or a label. JSON scalars only, so every writer
 * (serving in any language) and every reader agree on the encoding; `null` is a missing value.
 * Non-finite numbers are not representable in JSON and are refused: log a missing value as `null`.
 */
export const predictionLogValueSchema = z.union([z.number().finite(), z.string(), z.boolean(), z.null()]);

/** A logged value (see {@link predictionLogValueSchema}). */
export type PredictionLogValue = z.infer<typeof predictionLogValueSchema>;

const epochMs = z.number().int().safe().nonnegative();

/**
 * One prediction served by a model, as serving writes it to the prediction log and monitors read it.
 *
 * - `eventTime` is when the request was served (epoch milliseconds, UTC); monitors window by it.
 * - `features` are the model inputs by name; `predictions` the named outputs (for example
 *   `{ score: 0.83, label: "churn" }`), at least one.
 * - `label` is the ground truth when it is known at logging time or joined later, with `labelTime`
 *   (when it became known); records without a label count for drift but not for performance.
 * - `latencyMs` is the serving latency, when measured.
 */
export const predictionLogRecordSchema = z.object({
  schemaVersion: z.literal(1),
  model: z.string().min(1),
  modelVersion: z.string().min(1),
  requestId: z.string().min(1),
  eventTime: epochMs,
  features: z.record(z.string(), predictionLogValueSchema),
  predictions: z
    .record(z.string(), predictionLogValueSchema)
    .refine((outputs) => Object.keys(outputs).length > 0, { message: "at least one prediction output" }),
  label: predictionLogValueSchema.optional(),
  labelTime: epochMs.optional(),
  latencyMs: z.number().finite().nonnegative().optional(),
});

/** A prediction-log record (see {@link predictionLogRecordSchema}). */
export type PredictionLogRecord = z.infer<typeof predictionLogRecordSchema>;

/** What a writer passes: the record without `schemaVersion` (the encoder sets the current one). */
export type PredictionLogRecordInput = Omit<PredictionLogRecord, "schemaVersion"> & { schemaVersion?: 1 };
