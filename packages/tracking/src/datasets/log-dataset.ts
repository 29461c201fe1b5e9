import { newId, readParquetMetadata, scanParquet } from "@ballast/core";
import { assertRunExists } from "../artifacts/run-exists.js";
import type { TrackingContext } from "../tracking-context.js";
import { type DatasetProfile, profileBatches } from "./column-profile.js";
import { blobDigest, tableDigest } from "./dataset-digest.js";
import { datasetInvalid } from "./dataset-errors.js";
import {
  DATASET_COLUMNS,
  type DatasetRecord,
  type DatasetTableRow,
  toDatasetRecord,
} from "./dataset-record.js";
import { type DatasetSchema, datasetSchema } from "./dataset-schema.js";
import { type DatasetInput, type ResolvedDataset, resolveDataset } from "./dataset-source.js";

/** Options of {@link logDataset}. */
export interface LogDatasetOptions {
  /** The dataset's name in the workspace, e.g. `"churn-train"`. One name may have many digests (versions). */
  name: string;
  /** The run's use of the dataset: `"training"` (default), `"validation"`, `"test"`, ... */
  context?: string;
  /** Where the data came from; defaults to the Parquet file's URI (none for in-memory tables). */
  sourceUri?: string;
  signal?: AbortSignal;
}

const NAME = /^\S(.{0,254}\S)?$/s;

/**
 * Records a dataset the run consumed: its digest, schema, row count, source URI and a per-column
 * profile, and links the run to it with a context. The dataset is keyed by (name, digest), so logging
 * the same data from many runs records it once and links each run.
 *
 * The digest is computed first; when the workspace already has this (name, digest) the profile is not
 * recomputed. Otherwise a Parquet file is read twice, both streaming: once as bytes for the digest,
 * once as a row-group scan (`scanParquet`) for the profile, so memory holds one row group. A re-log
 * keeps the first source URI, filling it in only when it was missing. The dataset row and the link
 * are written in one transaction.
 *
 * @throws BallastError `RUN_NOT_FOUND`; `DATASET_INVALID` for an empty name or context, or rows with
 *   mixed value kinds; `BLOB_NOT_FOUND` and `PARQUET_ERROR` for a missing or unreadable file; database
 *   errors unchanged.
 * @example
 * const record = await logDataset(ctx, runId, table, { name: "churn-train" });
 * await logDataset(ctx, runId, { key: "data/valid.parquet" }, { name: "churn-valid", context: "validation" });
 */
export async function logDataset(
  ctx: TrackingContext,
  runId: string,
  input: DatasetInput,
  options: LogDatasetOptions,
): Promise<DatasetRecord> {
  const context = options.context ?? "training";
  if (!NAME.test(options.name))
    throw datasetInvalid(
      `Invalid dataset name ${JSON.stringify(options.name)}.`,
      "Use 1 to 256 characters, without leading or trailing spaces.",
    );
  if (context.trim() === "")
    throw datasetInvalid("The dataset context is empty.", 'Use a role such as "training" or "validation".');
  await assertRunExists(ctx, runId);
  const dataset = resolveDataset(input, ctx.blobs);
  const digest =
    dataset.kind === "table"
      ? await tableDigest(dataset.table)
      : await blobDigest(dataset.store, dataset.key, options.signal);
  const sourceUri =
    options.sourceUri ??
    (dataset.kind === "parquet" ? `${dataset.store.uri.replace(/\/+$/, "")}/${dataset.key}` : null);

  const existing = await ctx.db.query<{ id: string }>(
    "SELECT id FROM tracking_datasets WHERE workspace_id = $1 AND name = $2 AND digest = $3",
    [ctx.workspaceId, options.name, digest],
  );
  const described = existing.rows.length === 0 ? await describe(dataset, options.signal) : undefined;

  return ctx.db.transaction(async (tx) => {
    // Upsert even when the row was found: it may have been deleted meanwhile, and the statement's
    // RETURNING gives the stored row whichever process inserted it.
    const { rows } = described
      ? await tx.query<DatasetTableRow>(
          `INSERT INTO tracking_datasets (workspace_id, id, name, digest, source_uri, schema, row_count, profile, created_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9)
           ON CONFLICT (workspace_id, name, digest)
           DO UPDATE SET source_uri = COALESCE(tracking_datasets.source_uri, EXCLUDED.source_uri)
           RETURNING ${DATASET_COLUMNS}`,
          [
            ctx.workspaceId,
            newId(),
            options.name,
            digest,
            sourceUri,
            JSON.stringify(described.schema),
            described.rowCount,
            JSON.stringify(described.profile),
            new Date(ctx.clock.now()),
          ],
        )
      : await tx.query<DatasetTableRow>(
          `UPDATE tracking_datasets SET source_uri = COALESCE(source_uri, $4)
           WHERE workspace_id = $1 AND name = $2 AND digest = $3 RETURNING ${DATASET_COLUMNS}`,
          [ctx.workspaceId, options.name, digest, sourceUri],
        );
    const row = rows[0];
    if (!row)
      throw datasetInvalid(`Dataset "${options.name}" disappeared while it was logged.`, "Log it again.");
    await tx.query(
      `INSERT INTO tracking_run_inputs (workspace_id, run_id, dataset_id, context) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [ctx.workspaceId, runId, row.id, context],
    );
    return toDatasetRecord(row);
  });
}

interface Described {
  schema: DatasetSchema;
  rowCount: number;
  profile: DatasetProfile;
}

async function describe(dataset: ResolvedDataset, signal: AbortSignal | undefined): Promise<Described> {
  if (dataset.kind === "table") {
    const { profile, rowCount } = await profileBatches(dataset.table.schema, dataset.table.batches);
    return { schema: datasetSchema(dataset.table.schema), rowCount, profile };
  }
  const metadata = await readParquetMetadata(dataset.store, dataset.key);
  const { profile } = await profileBatches(
    metadata.schema,
    scanParquet(dataset.store, dataset.key, signal === undefined ? {} : { signal }),
  );
  return { schema: datasetSchema(metadata.schema), rowCount: metadata.numRows, profile };
}
