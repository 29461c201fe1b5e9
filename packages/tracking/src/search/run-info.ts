import type { RunStatus } from "../run/run-status.js";
import type { TrackingContext } from "../tracking-context.js";

/** The summary of one metric of a run, maintained as points are logged. */
export interface RunMetricSummary {
  /** Value at the highest step logged so far. */
  last: number;
  /** The step of `last`. */
  step: number;
  /** When `last` was logged, epoch milliseconds (UTC). */
  timestamp: number;
  min: number;
  max: number;
  /** Number of points logged. */
  count: number;
}

/**
 * Everything about a run except its metric histories and artifacts, as `searchRuns` and
 * `tracker.getRun` return it.
 *
 * Times are epoch milliseconds (UTC), as metric timestamps are: plain numbers that serialise to JSON
 * unchanged and compare with `<`; use `new Date(run.startTime)` for display.
 */
export interface RunInfo {
  id: string;
  experimentId: string;
  experimentName: string;
  parentRunId: string | null;
  name: string;
  status: RunStatus;
  /** Epoch milliseconds (UTC). */
  startTime: number;
  /** Epoch milliseconds (UTC); null while the run is running. */
  endTime: number | null;
  /** Logged params, as the JSON values they were logged with. */
  params: Record<string, unknown>;
  tags: Record<string, string>;
  metrics: Record<string, RunMetricSummary>;
  notes: string | null;
  /** The captured environment (git, runtime, host, packages), as stored. */
  environment: unknown;
}

interface RunRow {
  id: string;
  experiment_id: string;
  experiment_name: string;
  parent_run_id: string | null;
  name: string;
  status: RunStatus;
  start_time: Date;
  end_time: Date | null;
  notes: string | null;
  environment: unknown;
}

interface KeyValueRow {
  run_id: string;
  key: string;
  value: unknown;
}

interface SummaryRow {
  run_id: string;
  key: string;
  last_value: number;
  last_step: number;
  last_timestamp_ms: number;
  min_value: number;
  max_value: number;
  point_count: number;
}

/**
 * Loads the runs with the given ids, in the given order, with their params, tags and metric
 * summaries. Four statements whatever the number of runs (runs, params, tags, summaries, each by
 * `run_id = ANY($2)` on its primary key), never one round trip per run. Ids that do not exist in
 * `ctx.workspaceId` are left out; a repeated id appears once per mention.
 *
 * @throws BallastError `DATABASE_ERROR` as the database reports.
 * @example
 * const [run] = await loadRunInfos(ctx, [runId]);
 */
export async function loadRunInfos(ctx: TrackingContext, runIds: readonly string[]): Promise<RunInfo[]> {
  if (runIds.length === 0) return [];
  const ids = [...new Set(runIds)];
  const scope = [ctx.workspaceId, ids];
  // Independent reads: the Postgres pool runs them concurrently, PGlite one after another.
  const [runs, params, tags, summaries] = await Promise.all([
    ctx.db.query<RunRow>(
      `SELECT r.id, r.experiment_id, e.name AS experiment_name, r.parent_run_id, r.name, r.status,
              r.start_time, r.end_time, r.notes, r.environment
         FROM tracking_runs r
         JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id
        WHERE r.workspace_id = $1 AND r.id = ANY($2::text[])`,
      scope,
    ),
    ctx.db.query<KeyValueRow>(
      "SELECT run_id, key, value FROM tracking_params WHERE workspace_id = $1 AND run_id = ANY($2::text[]) ORDER BY run_id, key",
      scope,
    ),
    ctx.db.query<KeyValueRow>(
      "SELECT run_id, key, value FROM tracking_tags WHERE workspace_id = $1 AND run_id = ANY($2::text[]) ORDER BY run_id, key",
      scope,
    ),
    ctx.db.query<SummaryRow>(
      `SELECT run_id, key, last_value, last_step, last_timestamp_ms, min_value, max_value, point_count
         FROM tracking_metric_summaries WHERE workspace_id = $1 AND run_id = ANY($2::text[]) ORDER BY run_id, key`,
      scope,
    ),
  ]);
  const byId = new Map<string, RunInfo>();
  for (const row of runs.rows) {
    byId.set(row.id, {
      id: row.id,
      experimentId: row.experiment_id,
      experimentName: row.experiment_name,
      parentRunId: row.parent_run_id,
      name: row.name,
      status: row.status,
      startTime: row.start_time.getTime(),
      endTime: row.end_time === null ? null : row.end_time.getTime(),
      params: {},
      tags: {},
      metrics: {},
      notes: row.notes,
      environment: row.environment,
    });
  }
  for (const row of params.rows) {
    const run = byId.get(row.run_id);
    if (run) run.params[row.key] = row.value;
  }
  for (const row of tags.rows) {
    const run = byId.get(row.run_id);
    if (run) run.tags[row.key] = row.value as string;
  }
  for (const row of summaries.rows) {
    const run = byId.get(row.run_id);
    if (!run) continue;
    run.metrics[row.key] = {
      last: row.last_value,
      step: row.last_step,
      timestamp: row.last_timestamp_ms,
      min: row.min_value,
      max: row.max_value,
      count: row.point_count,
    };
  }
  const ordered: RunInfo[] = [];
  for (const id of runIds) {
    const run = byId.get(id);
    if (run) ordered.push(run);
  }
  return ordered;
}
