import { BallastError, insertRows, type MetadataQueryable } from "@ballast/core";
import { summarizeMetricBlocks } from "./metric-block.js";
import { METRIC_ROW_COLUMNS, type MetricRow } from "./metric-row.js";
import { summarizeMetricRows } from "./metric-summary.js";

const SUMMARY_COLUMNS = {
  workspace_id: "text",
  run_id: "text",
  key: "text",
  last_value: "float8",
  last_step: "int8",
  last_timestamp_ms: "int8",
  min_value: "float8",
  max_value: "float8",
  point_count: "int8",
} as const;

// Every SET expression reads the row as it was before this statement, so `last_*` are chosen together
// by one comparison and never mix two points.
const T = "tracking_metric_summaries";
const NEWER = `(EXCLUDED.last_step, EXCLUDED.last_timestamp_ms) >= (${T}.last_step, ${T}.last_timestamp_ms)`;
const SUMMARY_UPSERT = `ON CONFLICT (workspace_id, run_id, key) DO UPDATE SET
  last_value = CASE WHEN ${NEWER} THEN EXCLUDED.last_value ELSE ${T}.last_value END,
  last_step = CASE WHEN ${NEWER} THEN EXCLUDED.last_step ELSE ${T}.last_step END,
  last_timestamp_ms = CASE WHEN ${NEWER} THEN EXCLUDED.last_timestamp_ms ELSE ${T}.last_timestamp_ms END,
  min_value = LEAST(${T}.min_value, EXCLUDED.min_value),
  max_value = GREATEST(${T}.max_value, EXCLUDED.max_value),
  point_count = ${T}.point_count + EXCLUDED.point_count`;

const BLOCK_COLUMNS = {
  workspace_id: "text",
  run_id: "text",
  key: "text",
  block: "int8",
  min_value: "float8",
  max_value: "float8",
  point_count: "int8",
  first_step: "int8",
  last_step: "int8",
  last_value: "float8",
  last_timestamp_ms: "int8",
} as const;

// A block's `last` is the point with the highest (step, timestamp, value), the order
// `getMetricHistory` uses on raw points (float8 row comparison puts NaN highest, as ORDER BY does),
// so merging a block written by several batches gives what aggregating its points at once gives.
const B = "tracking_metric_blocks";
const LATER = `(EXCLUDED.last_step, EXCLUDED.last_timestamp_ms, EXCLUDED.last_value) > (${B}.last_step, ${B}.last_timestamp_ms, ${B}.last_value)`;
const BLOCK_UPSERT = `ON CONFLICT (workspace_id, run_id, key, block) DO UPDATE SET
  min_value = LEAST(${B}.min_value, EXCLUDED.min_value),
  max_value = GREATEST(${B}.max_value, EXCLUDED.max_value),
  point_count = ${B}.point_count + EXCLUDED.point_count,
  first_step = LEAST(${B}.first_step, EXCLUDED.first_step),
  last_step = GREATEST(${B}.last_step, EXCLUDED.last_step),
  last_value = CASE WHEN ${LATER} THEN EXCLUDED.last_value ELSE ${B}.last_value END,
  last_timestamp_ms = CASE WHEN ${LATER} THEN EXCLUDED.last_timestamp_ms ELSE ${B}.last_timestamp_ms END`;

/**
 * The last batch write of each run on each database, as a promise of whether it committed. Lets two
 * batch writes of one run overlap (the second inserts its points while the first commits) while the
 * aggregates are still folded, and the batches committed, in the order they were logged.
 */
const lastWrites = new WeakMap<MetadataQueryable, Map<string, Promise<boolean>>>();

function predecessorFailed(): BallastError {
  return new BallastError(
    "DATABASE_ERROR",
    "A metric batch was rolled back because the batch logged before it failed to write.",
    {
      retryable: true,
      hint: "The buffer retries both batches in order; check the cause of the earlier failure.",
    },
  );
}

/**
 * Writes one batch of metric points and folds it into the per-metric summaries and the per-block
 * rollup (`tracking_metric_blocks`, which downsampled histories read), in one transaction: either the
 * points and their aggregates are all stored or none is, so a retried batch never counts twice.
 * `insertRows` splits the points into statements of the size the backend takes.
 *
 * Calls for the same run may overlap (the metric buffer keeps two in flight): a batch inserts its
 * points at once, then waits for the previous batch of its run to settle before upserting the
 * aggregates, so summaries see batches in logging order (a point re-logged at the same step and
 * timestamp still wins), and it rolls back if that batch failed, so the database always holds a prefix
 * of what was logged. Waiting before the upserts also means no two writes of a run ever wait for each
 * other's row locks in opposite orders. A batch is keyed by the run of its first row.
 *
 * @throws BallastError `DATABASE_ERROR` when a statement fails, or (retryable) when the previous batch
 *   of the run failed; nothing of the batch is stored then.
 */
export async function writeMetricBatch(db: MetadataQueryable, rows: readonly MetricRow[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  let byRun = lastWrites.get(db);
  if (!byRun) {
    byRun = new Map();
    lastWrites.set(db, byRun);
  }
  const run = `${first.workspace_id}\u0000${first.run_id}`;
  const previous = byRun.get(run);
  let settle: (committed: boolean) => void = () => {};
  const mine = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  byRun.set(run, mine);
  let committed = false;
  try {
    const summaries = summarizeMetricRows(rows);
    const blocks = summarizeMetricBlocks(rows);
    await db.transaction(async (tx) => {
      await insertRows(tx, { table: "tracking_metrics", columns: METRIC_ROW_COLUMNS, rows });
      if (previous && !(await previous)) throw predecessorFailed();
      await insertRows(tx, {
        table: T,
        columns: SUMMARY_COLUMNS,
        rows: summaries,
        onConflict: SUMMARY_UPSERT,
      });
      await insertRows(tx, { table: B, columns: BLOCK_COLUMNS, rows: blocks, onConflict: BLOCK_UPSERT });
    });
    committed = true;
  } finally {
    settle(committed);
    if (byRun.get(run) === mine) byRun.delete(run);
  }
}
