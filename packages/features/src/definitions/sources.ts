import { z } from "zod";
import { FeatureDefinitionError } from "../errors/feature-definition-error.js";
import { definitionNameSchema } from "./naming.js";

const columnName = z.string().min(1, "a column name cannot be empty");

const parquetSourceSchema = z.strictObject({
  name: definitionNameSchema,
  path: z
    .string()
    .min(1)
    .refine(
      (path) => !path.startsWith("/") && !path.split("/").includes(".."),
      "a key relative to the blob store, without '..'",
    ),
  timestampField: columnName,
  createdTimestampField: columnName.optional(),
  fieldMapping: z.record(columnName, definitionNameSchema).optional(),
  description: z.string().optional(),
});

/** What {@link parquetSource} takes. */
export type ParquetSourceInput = z.input<typeof parquetSourceSchema>;

/** A batch source: one Parquet file or a folder (key prefix) of Parquet files on the workspace's blob store. */
export interface ParquetSourceDefinition {
  readonly kind: "parquet-source";
  readonly name: string;
  /** A `.parquet` key or a folder prefix, relative to the blob store's root. */
  readonly path: string;
  /** The event-timestamp column in the files (`timestamp[ms, UTC]`). */
  readonly timestampField: string;
  /** The optional created-timestamp column: tie-breaker, and late-arrival exclusion in training data. */
  readonly createdTimestampField: string | undefined;
  /** File column → feature or join-key name. */
  readonly fieldMapping: Readonly<Record<string, string>>;
  readonly description: string | undefined;
}

/**
 * Declares a Parquet source on the workspace's blob store.
 *
 * @throws FeatureDefinitionError `FEATURE_DEFINITION_INVALID` for a bad name, an absolute path or an empty column.
 * @example
 * const trips = parquetSource({ name: "trips", path: "sources/trips/", timestampField: "event_ts", createdTimestampField: "created_ts" });
 */
export function parquetSource(input: ParquetSourceInput): ParquetSourceDefinition {
  const parsed = parquetSourceSchema.safeParse(input);
  if (!parsed.success) {
    throw FeatureDefinitionError.fromZod(
      `parquet source ${JSON.stringify((input as { name?: unknown })?.name)}`,
      parsed.error,
      'Write parquetSource({ name: "trips", path: "sources/trips/", timestampField: "event_ts" }).',
    );
  }
  const { name, path, timestampField, createdTimestampField, fieldMapping, description } = parsed.data;
  return Object.freeze({
    kind: "parquet-source",
    name,
    path,
    timestampField,
    createdTimestampField,
    fieldMapping: Object.freeze({ ...fieldMapping }),
    description,
  });
}

const pushSourceSchema = z.strictObject({
  name: definitionNameSchema,
  batchSource: z
    .custom<ParquetSourceDefinition>(
      (value) => (value as ParquetSourceDefinition | null)?.kind === "parquet-source",
      "a parquetSource(...) definition",
    )
    .optional(),
  description: z.string().optional(),
});

/** What {@link pushSource} takes. */
export interface PushSourceInput {
  name: string;
  /**
   * Where pushed rows land offline (`store.push(..., { to: "offline" | "both" })`) and where training
   * data is read from; its path should be a folder, each push adds one Parquet file to it.
   */
  batchSource?: ParquetSourceDefinition;
  description?: string;
}

/** A source fed by `store.push(source, rows)`: rows arrive from the application, not from files. */
export interface PushSourceDefinition {
  readonly kind: "push-source";
  readonly name: string;
  readonly batchSource: ParquetSourceDefinition | undefined;
  readonly description: string | undefined;
}

/** Column of pushed rows holding the event time when the push source has no batch source. */
export const DEFAULT_PUSH_TIMESTAMP_FIELD = "event_timestamp";

/**
 * Declares a push source.
 *
 * @throws FeatureDefinitionError `FEATURE_DEFINITION_INVALID` for a bad name or a batch source that is not a Parquet source.
 * @example
 * const live = pushSource({ name: "driver_live", batchSource: parquetSource({ name: "driver_live_log", path: "push/driver/", timestampField: "event_timestamp" }) });
 */
export function pushSource(input: PushSourceInput): PushSourceDefinition {
  const parsed = pushSourceSchema.safeParse(input);
  if (!parsed.success) {
    throw FeatureDefinitionError.fromZod(
      `push source ${JSON.stringify((input as { name?: unknown })?.name)}`,
      parsed.error,
      'Write pushSource({ name: "driver_live", batchSource: parquetSource({...}) }).',
    );
  }
  return Object.freeze({
    kind: "push-source",
    name: parsed.data.name,
    batchSource: parsed.data.batchSource,
    description: parsed.data.description,
  });
}

/** Any source a feature view reads. */
export type SourceDefinition = ParquetSourceDefinition | PushSourceDefinition;

/** The Parquet source that holds a source's offline rows, if any. */
export function offlineSourceOf(source: SourceDefinition): ParquetSourceDefinition | undefined {
  return source.kind === "parquet-source" ? source : source.batchSource;
}
