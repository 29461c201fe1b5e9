import type { MetricRow } from "./metric-row.js";

/** The per-(run, metric) aggregate kept in `tracking_metric_summaries`. */
export type MetricSummary = {
  workspace_id: string;
  run_id: string;
  key: string;
  last_value: number;
  last_step: number;
  last_timestamp_ms: number;
  min_value: number;
  max_value: number;
  point_count: number;
};

/**
 * PostgreSQL orders `NaN` above every number (and `LEAST`/`GREATEST` follow that order), so the batch
 * aggregate does the same; otherwise a batch's `Math.min` would disagree with the upsert's `LEAST`.
 */
function pgLess(a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return a < b;
}

/** True when point (stepA, timeA) comes at or after (stepB, timeB): by step, then by timestamp. */
export function isAtOrAfter(stepA: number, timeA: number, stepB: number, timeB: number): boolean {
  return stepA > stepB || (stepA === stepB && timeA >= timeB);
}

/**
 * Aggregates one batch of points into one summary per (workspace, run, key): the last point by step
 * then timestamp (a later point in the batch wins a tie, matching the upsert's `>=`), min, max and
 * count, sorted by run and key. One row per key is also what `INSERT ... ON CONFLICT DO UPDATE` needs,
 * since it refuses to touch the same row twice in one statement.
 */
export function summarizeMetricRows(rows: readonly MetricRow[]): MetricSummary[] {
  // run -> key -> summary, so a point costs a lookup by its (interned) key string, not a new string.
  const byRun = new Map<string, Map<string, MetricSummary>>();
  let workspaceId: string | undefined;
  let runId: string | undefined;
  let byKey: Map<string, MetricSummary> | undefined;
  for (const row of rows) {
    if (row.run_id !== runId || row.workspace_id !== workspaceId || !byKey) {
      workspaceId = row.workspace_id;
      runId = row.run_id;
      const run = `${row.workspace_id}\u0000${row.run_id}`;
      byKey = byRun.get(run);
      if (!byKey) {
        byKey = new Map();
        byRun.set(run, byKey);
      }
    }
    const summary = byKey.get(row.key);
    if (!summary) {
      byKey.set(row.key, {
        workspace_id: row.workspace_id,
        run_id: row.run_id,
        key: row.key,
        last_value: row.value,
        last_step: row.step,
        last_timestamp_ms: row.timestamp_ms,
        min_value: row.value,
        max_value: row.value,
        point_count: 1,
      });
      continue;
    }
    if (isAtOrAfter(row.step, row.timestamp_ms, summary.last_step, summary.last_timestamp_ms)) {
      summary.last_value = row.value;
      summary.last_step = row.step;
      summary.last_timestamp_ms = row.timestamp_ms;
    }
    if (pgLess(row.value, summary.min_value)) summary.min_value = row.value;
    if (pgLess(summary.max_value, row.value)) summary.max_value = row.value;
    summary.point_count++;
  }
  // Sorted by run and key, as the block rows are, so two overlapping batch writes lock summary rows
  // in the same order and wait for each other instead of deadlocking.
  return [...byRun.keys()].sort().flatMap((run) => {
    const keys = byRun.get(run)!;
    return [...keys.keys()].sort().map((key) => keys.get(key)!);
  });
}
