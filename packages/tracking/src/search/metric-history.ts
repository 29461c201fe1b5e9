import { BallastError, type SqlValue } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import { SqlParameters } from "./sql-parameters.js";

/** One logged point of a metric. */
export interface MetricPoint {
  step: number;
  value: number;
  /** Epoch milliseconds (UTC). */
  timestamp: number;
}

/** The points of one step interval of a downsampled history. */
export interface MetricBucket {
  /** 0-based bucket number; empty buckets are left out, so numbers may skip. */
  index: number;
  /** Lowest and highest step that has a point in the bucket. */
  firstStep: number;
  lastStep: number;
  min: number;
  max: number;
  /** The value at `lastStep` (the latest logged one if the step was logged twice). */
  last: number;
  /** Points in the bucket. */
  count: number;
}

/** Options of {@link getMetricHistory} and {@link getMetricHistories}. */
export interface MetricHistoryOptions {
  /** Only points with `min <= step <= max` (either bound may be left out). */
  stepRange?: { min?: number; max?: number };
  /**
   * Without `buckets`: the most points returned per run (default 10,000, at most 1,000,000); a
   * longer history comes back with `truncated: true` — narrow `stepRange` or ask for buckets.
   */
  maxPoints?: number;
}

/** Options that downsample: the step range is split into `buckets` equal intervals. */
export interface MetricBucketOptions extends MetricHistoryOptions {
  /** Number of equal step intervals, 1 to 100,000. */
  buckets: number;
}

/** A history as logged. */
export interface MetricPointHistory {
  runId: string;
  key: string;
  points: MetricPoint[];
  /** True when more points exist in the step range than `maxPoints`. */
  truncated: boolean;
}

/** A downsampled history. */
export interface MetricBucketHistory {
  runId: string;
  key: string;
  /** The steps the buckets divide: the lowest and highest step with a point, within `stepRange`; null when there are none. */
  steps: { min: number; max: number } | null;
  buckets: MetricBucket[];
}

const DEFAULT_MAX_POINTS = 10_000;
const MAX_POINTS = 1_000_000;
const MAX_BUCKETS = 100_000;

function checkWhole(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BallastError("VALIDATION_FAILED", `Metric history ${name} ${value} is out of range.`, {
      hint: `Use a whole number from ${min} to ${max}.`,
      details: { [name]: value },
    });
  }
}

/** `AND m.step >= $n AND m.step <= $m` for the requested range. */
function stepConditions(range: MetricHistoryOptions["stepRange"], params: SqlParameters): string {
  let sql = "";
  if (range?.min !== undefined) {
    checkWhole("stepRange.min", range.min, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    sql += ` AND m.step >= ${params.bind(range.min, "int8")}`;
  }
  if (range?.max !== undefined) {
    checkWhole("stepRange.max", range.max, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    sql += ` AND m.step <= ${params.bind(range.max, "int8")}`;
  }
  return sql;
}

interface BucketRow {
  ord: number;
  lo: number;
  hi: number;
  bucket: number;
  min_value: number;
  max_value: number;
  point_count: number;
  first_step: number;
  last_step: number;
  last_value: number;
}

/**
 * One statement for all runs. For each run, its step bounds come from two index probes; bucket i of
 * n holds steps with `floor((step - lo) * n / (hi - lo + 1)) = i` (integer division, so every bucket
 * spans the same number of steps, give or take one); aggregation is one pass over the points; and
 * each bucket's last value is one more index probe at its highest step, cheaper than carrying every
 * point's value through a sort. Both CTEs are MATERIALIZED: inlined, PostgreSQL re-ran the bound
 * probes for every point (33 s instead of 0.7 s for 1M points, bench/tracking-history.bench.ts).
 */
async function bucketHistories(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  options: MetricBucketOptions,
): Promise<MetricBucketHistory[]> {
  checkWhole("buckets", options.buckets, 1, MAX_BUCKETS);
  const params = new SqlParameters();
  const workspace = params.bind(ctx.workspaceId, "text");
  const runs = params.bind([...runIds], "text[]");
  const metric = params.bind(key, "text");
  const steps = stepConditions(options.stepRange, params);
  const buckets = params.bind(options.buckets, "int8");
  const sql = `
WITH wanted AS (
  SELECT q.run_id, q.ord FROM unnest(${runs}) WITH ORDINALITY AS q(run_id, ord)
), bounds AS MATERIALIZED (
  SELECT w.run_id, w.ord,
         (SELECT m.step FROM tracking_metrics m WHERE m.workspace_id = ${workspace} AND m.run_id = w.run_id AND m.key = ${metric}${steps} ORDER BY m.step ASC LIMIT 1) AS lo,
         (SELECT m.step FROM tracking_metrics m WHERE m.workspace_id = ${workspace} AND m.run_id = w.run_id AND m.key = ${metric}${steps} ORDER BY m.step DESC LIMIT 1) AS hi
    FROM wanted w
), grouped AS MATERIALIZED (
  SELECT b.ord, b.run_id, b.lo, b.hi,
         (m.step - b.lo) * ${buckets} / (b.hi - b.lo + 1) AS bucket,
         min(m.value) AS min_value, max(m.value) AS max_value, count(*) AS point_count,
         min(m.step) AS first_step, max(m.step) AS last_step
    FROM bounds b
    JOIN tracking_metrics m ON m.workspace_id = ${workspace} AND m.run_id = b.run_id AND m.key = ${metric}
                           AND m.step >= b.lo AND m.step <= b.hi
   WHERE b.lo IS NOT NULL
   GROUP BY b.ord, b.run_id, b.lo, b.hi, bucket
)
SELECT g.ord, g.lo, g.hi, g.bucket, g.min_value, g.max_value, g.point_count, g.first_step, g.last_step,
       (SELECT m.value FROM tracking_metrics m
         WHERE m.workspace_id = ${workspace} AND m.run_id = g.run_id AND m.key = ${metric} AND m.step = g.last_step
         ORDER BY m.timestamp_ms DESC LIMIT 1) AS last_value
  FROM grouped g
 ORDER BY g.ord, g.bucket`;
  const { rows } = await ctx.db.query<BucketRow>(sql, params.values);
  const histories: MetricBucketHistory[] = runIds.map((runId) => ({ runId, key, steps: null, buckets: [] }));
  for (const row of rows) {
    const history = histories[row.ord - 1]!;
    history.steps ??= { min: row.lo, max: row.hi };
    history.buckets.push({
      index: row.bucket,
      firstStep: row.first_step,
      lastStep: row.last_step,
      min: row.min_value,
      max: row.max_value,
      last: row.last_value,
      count: row.point_count,
    });
  }
  return histories;
}

interface PointRow {
  ord: number;
  step: number;
  value: number;
  timestamp_ms: number;
}

async function pointHistories(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  options: MetricHistoryOptions,
): Promise<MetricPointHistory[]> {
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  checkWhole("maxPoints", maxPoints, 1, MAX_POINTS);
  const params = new SqlParameters();
  const values: SqlValue[] = params.values;
  const workspace = params.bind(ctx.workspaceId, "text");
  const runs = params.bind([...runIds], "text[]");
  const metric = params.bind(key, "text");
  const steps = stepConditions(options.stepRange, params);
  // One more than the cap tells "exactly maxPoints" from "truncated".
  const limit = params.bind(maxPoints + 1, "int8");
  const sql = `
SELECT q.ord, p.step, p.value, p.timestamp_ms
  FROM unnest(${runs}) WITH ORDINALITY AS q(run_id, ord)
  CROSS JOIN LATERAL (
    SELECT m.step, m.value, m.timestamp_ms FROM tracking_metrics m
     WHERE m.workspace_id = ${workspace} AND m.run_id = q.run_id AND m.key = ${metric}${steps}
     ORDER BY m.step, m.timestamp_ms
     LIMIT ${limit}) p
 ORDER BY q.ord, p.step, p.timestamp_ms`;
  const { rows } = await ctx.db.query<PointRow>(sql, values);
  const histories: MetricPointHistory[] = runIds.map((runId) => ({
    runId,
    key,
    points: [],
    truncated: false,
  }));
  for (const row of rows) {
    const history = histories[row.ord - 1]!;
    if (history.points.length === maxPoints) history.truncated = true;
    else history.points.push({ step: row.step, value: row.value, timestamp: row.timestamp_ms });
  }
  return histories;
}

/**
 * Reads the history of one metric of one run, in step order (points logged at the same step in
 * logging order). With `buckets`, the database downsamples: the run's step range (within
 * `stepRange`) is cut into `buckets` equal intervals and each non-empty one comes back as its
 * min, max, last value and first/last step, in one statement — a million points into a thousand
 * buckets without shipping the points.
 *
 * @throws BallastError `VALIDATION_FAILED` for a bucket count, cap or step bound that is not a whole
 *   number in range; `DATABASE_ERROR` as the database reports. An unknown run or key gives an empty
 *   history.
 * @example
 * const { buckets } = await getMetricHistory(ctx, runId, "loss", { buckets: 1000 });
 * const { points } = await getMetricHistory(ctx, runId, "loss", { stepRange: { min: 9000 } });
 */
export async function getMetricHistory(
  ctx: TrackingContext,
  runId: string,
  key: string,
  options: MetricBucketOptions,
): Promise<MetricBucketHistory>;
export async function getMetricHistory(
  ctx: TrackingContext,
  runId: string,
  key: string,
  options?: MetricHistoryOptions,
): Promise<MetricPointHistory>;
export async function getMetricHistory(
  ctx: TrackingContext,
  runId: string,
  key: string,
  options: MetricHistoryOptions | MetricBucketOptions = {},
): Promise<MetricPointHistory | MetricBucketHistory> {
  const [history] = await getMetricHistories(ctx, [runId], key, options);
  return history!;
}

/**
 * {@link getMetricHistory} for several runs at once (to compare them in one chart), in one statement;
 * the result follows the order of `runIds`. With `buckets`, each run's own step range is divided.
 *
 * @throws as {@link getMetricHistory}.
 * @example
 * const curves = await getMetricHistories(ctx, [a, b, c], "val_loss", { buckets: 500 });
 */
export async function getMetricHistories(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  options: MetricBucketOptions,
): Promise<MetricBucketHistory[]>;
export async function getMetricHistories(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  options?: MetricHistoryOptions,
): Promise<MetricPointHistory[]>;
export async function getMetricHistories(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  options: MetricHistoryOptions | MetricBucketOptions = {},
): Promise<MetricPointHistory[] | MetricBucketHistory[]> {
  if (runIds.length === 0) return [];
  return "buckets" in options && options.buckets !== undefined
    ? bucketHistories(ctx, runIds, key, options as MetricBucketOptions)
    : pointHistories(ctx, runIds, key, options);
}
