import { insertRows, type MetadataQueryable } from "@ballast/core";
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

/**
 * Writes one batch of metric points and folds it into the per-metric summaries, in one transaction:
 * either the points and their summaries are both stored or neither is, so a retried batch never
 * counts twice. `insertRows` splits the points into statements of the size the backend takes.
 *
 * @throws BallastError `DATABASE_ERROR` when a statement fails; nothing of the batch is stored then.
 */
export async function writeMetricBatch(db: MetadataQueryable, rows: readonly MetricRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    await insertRows(tx, { table: "tracking_metrics", columns: METRIC_ROW_COLUMNS, rows });
    await insertRows(tx, {
      table: T,
      columns: SUMMARY_COLUMNS,
      rows: summarizeMetricRows(rows),
      onConflict: SUMMARY_UPSERT,
    });
  });
}
