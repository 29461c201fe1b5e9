import { assertRunExists } from "../artifacts/run-exists.js";
import type { TrackingContext } from "../tracking-context.js";
import { datasetNotFound } from "./dataset-errors.js";
import {
  DATASET_COLUMNS,
  type DatasetRecord,
  type DatasetTableRow,
  toDatasetRecord,
} from "./dataset-record.js";

/** A dataset by id, or by the (name, digest) pair that identifies it. */
export type DatasetReference = string | { name: string; digest: string };

/**
 * One dataset of the workspace.
 *
 * @throws BallastError `DATASET_NOT_FOUND`.
 * @example
 * const dataset = await getDataset(ctx, { name: "churn-train", digest });
 */
export async function getDataset(ctx: TrackingContext, reference: DatasetReference): Promise<DatasetRecord> {
  const { rows } =
    typeof reference === "string"
      ? await ctx.db.query<DatasetTableRow>(
          `SELECT ${DATASET_COLUMNS} FROM tracking_datasets WHERE workspace_id = $1 AND id = $2`,
          [ctx.workspaceId, reference],
        )
      : await ctx.db.query<DatasetTableRow>(
          `SELECT ${DATASET_COLUMNS} FROM tracking_datasets WHERE workspace_id = $1 AND name = $2 AND digest = $3`,
          [ctx.workspaceId, reference.name, reference.digest],
        );
  const row = rows[0];
  if (!row)
    throw datasetNotFound(
      ctx.workspaceId,
      typeof reference === "string" ? reference : `"${reference.name}" with digest ${reference.digest}`,
    );
  return toDatasetRecord(row);
}

/** Options of {@link listDatasets}. */
export interface ListDatasetsOptions {
  /** Only the versions (digests) of this dataset name. */
  name?: string;
  /** At most this many, newest first (default 1000). */
  limit?: number;
}

/**
 * The workspace's datasets, newest first.
 *
 * @example const versions = await listDatasets(ctx, { name: "churn-train" });
 */
export async function listDatasets(
  ctx: TrackingContext,
  options: ListDatasetsOptions = {},
): Promise<DatasetRecord[]> {
  const { rows } = await ctx.db.query<DatasetTableRow>(
    `SELECT ${DATASET_COLUMNS} FROM tracking_datasets
     WHERE workspace_id = $1 AND ($2::text IS NULL OR name = $2)
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [ctx.workspaceId, options.name ?? null, options.limit ?? 1000],
  );
  return rows.map(toDatasetRecord);
}

/** A dataset a run consumed, with the role it played. */
export interface RunInput {
  dataset: DatasetRecord;
  /** `"training"`, `"validation"`, ... as given to `logDataset`. */
  context: string;
}

/**
 * The datasets a run consumed, one entry per (dataset, context), ordered by dataset name.
 *
 * @throws BallastError `RUN_NOT_FOUND`.
 * @example const inputs = await listRunInputs(ctx, runId);
 */
export async function listRunInputs(ctx: TrackingContext, runId: string): Promise<RunInput[]> {
  const columns = DATASET_COLUMNS.split(", ")
    .map((column) => `d.${column}`)
    .join(", ");
  const { rows } = await ctx.db.query<DatasetTableRow & { context: string }>(
    `SELECT ${columns}, i.context FROM tracking_run_inputs i
     JOIN tracking_datasets d ON d.workspace_id = i.workspace_id AND d.id = i.dataset_id
     WHERE i.workspace_id = $1 AND i.run_id = $2 ORDER BY d.name, d.created_at, i.context`,
    [ctx.workspaceId, runId],
  );
  if (rows.length === 0) await assertRunExists(ctx, runId);
  return rows.map(({ context, ...row }) => ({ dataset: toDatasetRecord(row), context }));
}
