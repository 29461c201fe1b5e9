import { BallastError, type SqlValue } from "@ballast/core";
import { BLOCK_SHIFT, BLOCK_STEPS } from "../metrics/metric-block.js";
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
  /**
   * The value at `lastStep` (the one with the latest timestamp if the step was logged twice; of two
   * logged in the same millisecond, the larger, with NaN above every number).
   */
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

/**
 * Options that downsample: the step range is split into `buckets` equal intervals.
 *
 * When a bucket would span at least {@link BLOCK_STEPS} (64) steps, the history is read from the
 * rollup kept at write time and bucket edges snap to multiples of 64: the blocks of 64 steps that
 * the range touches are shared out evenly among the buckets instead of the steps themselves, so
 * buckets differ in width by up to one block rather than one step. Each bucket still reports the real
 * first and last step it holds, and its min, max, last and count are exactly those of its points.
 * Narrower buckets are computed from the points with unsnapped edges.
 */
export interface MetricBucketOptions extends MetricHistoryOptions {
  /** Number of step intervals, 1 to 100,000. */
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
 * Where the block path must read raw points: the parts of `stepRange` that cover a block only
 * partly (its first and last block), and the blocks that lie wholly inside it, which the rollup
 * answers. Unbounded sides have no partial block.
 */
function blockCoverage(range: MetricHistoryOptions["stepRange"]): {
  fullBlocks: { min?: number; max?: number };
  rawRanges: [number, number][];
} {
  const fullBlocks: { min?: number; max?: number } = {};
  const rawRanges: [number, number][] = [];
  const min = range?.min;
  const max = range?.max;
  if (min !== undefined) fullBlocks.min = Math.ceil(min / BLOCK_STEPS);
  if (max !== undefined) fullBlocks.max = Math.floor((max + 1) / BLOCK_STEPS) - 1;
  if (min !== undefined && min < fullBlocks.min! * BLOCK_STEPS) {
    rawRanges.push([min, Math.min(fullBlocks.min! * BLOCK_STEPS - 1, max ?? Number.MAX_SAFE_INTEGER)]);
  }
  if (max !== undefined && max >= (fullBlocks.max! + 1) * BLOCK_STEPS) {
    const start = Math.max((fullBlocks.max! + 1) * BLOCK_STEPS, min ?? Number.MIN_SAFE_INTEGER);
    const first = rawRanges[0];
    // Both ends inside one block: one range, not the same points twice.
    if (first && start <= first[1]) first[1] = Math.max(first[1], max);
    else rawRanges.push([start, max]);
  }
  return { fullBlocks, rawRanges };
}

interface BoundsRow {
  ord: number;
  lo: number | null;
  hi: number | null;
}

/** One run's share of a downsampling query: its place in the result and its step bounds. */
interface RunBounds {
  ord: number;
  runId: string;
  lo: number;
  hi: number;
}

/** A CTE of the runs one path serves, their bounds passed as arrays (one parameter each). */
function runsCte(name: string, runs: readonly RunBounds[], params: SqlParameters): string {
  const ids = params.bind(
    runs.map((r) => r.runId),
    "text[]",
  );
  const ords = params.bind(
    runs.map((r) => r.ord),
    "int8[]",
  );
  const los = params.bind(
    runs.map((r) => r.lo),
    "int8[]",
  );
  const his = params.bind(
    runs.map((r) => r.hi),
    "int8[]",
  );
  return `${name} AS MATERIALIZED (
  SELECT u.run_id, u.ord, u.lo, u.hi, u.lo >> ${BLOCK_SHIFT} AS block_lo, u.hi >> ${BLOCK_SHIFT} AS block_hi
    FROM unnest(${ids}, ${ords}, ${los}, ${his}) AS u(run_id, ord, lo, hi)
)`;
}

/**
 * Two statements in one REPEATABLE READ transaction (one snapshot, so the bounds hold for the
 * aggregation). The first finds each run's step bounds `lo`/`hi` with two index probes. Then each run
 * takes one of two paths, both in the second statement:
 *
 * - Buckets narrower than {@link BLOCK_STEPS} steps (`hi - lo + 1 < buckets * BLOCK_STEPS`) read the
 *   points: bucket i of n holds steps with `floor((step - lo) * n / (hi - lo + 1)) = i` (integer
 *   division, so every bucket spans the same number of steps, give or take one); aggregation is one
 *   pass over the points, and each bucket's last value is one more index probe at its highest step,
 *   cheaper than carrying every point's value through a sort.
 * - Wider buckets read the rollup `tracking_metric_blocks` instead, and snap to block edges: with
 *   blocks `blo = floor(lo / BLOCK_STEPS)` to `bhi = floor(hi / BLOCK_STEPS)`, bucket i holds the
 *   blocks with `floor((block - blo) * n / (bhi - blo + 1)) = i`, so every bucket edge is a multiple
 *   of BLOCK_STEPS. Blocks cut by `stepRange` are aggregated from their points within the range, so
 *   the result is exactly the aggregation of the points in range over the snapped buckets.
 *
 * Deciding the path in JS rather than in SQL keeps the blocks statement's cost estimate small: with
 * the points arm in the same statement, PostgreSQL costed it for a million points and spent 370 ms
 * JIT-compiling a query that ran in 9 ms. Both paths break a tie for `last` by timestamp, then by
 * value (see `isLaterPoint`). The points path's CTE is MATERIALIZED: inlined, PostgreSQL re-ran the
 * bound probes for every point (33 s instead of 0.7 s for 1M points, bench/tracking-history.bench.ts).
 */
async function bucketHistories(
  ctx: TrackingContext,
  runIds: readonly string[],
  key: string,
  options: MetricBucketOptions,
): Promise<MetricBucketHistory[]> {
  checkWhole("buckets", options.buckets, 1, MAX_BUCKETS);
  const n = options.buckets;
  const { rows } = await ctx.db.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", []);
    const params = new SqlParameters();
    const workspace = params.bind(ctx.workspaceId, "text");
    const runs = params.bind([...runIds], "text[]");
    const metric = params.bind(key, "text");
    const steps = stepConditions(options.stepRange, params);
    const bounds = await tx.query<BoundsRow>(
      `
SELECT q.ord,
       (SELECT m.step FROM tracking_metrics m WHERE m.workspace_id = ${workspace} AND m.run_id = q.run_id AND m.key = ${metric}${steps} ORDER BY m.step ASC LIMIT 1) AS lo,
       (SELECT m.step FROM tracking_metrics m WHERE m.workspace_id = ${workspace} AND m.run_id = q.run_id AND m.key = ${metric}${steps} ORDER BY m.step DESC LIMIT 1) AS hi
  FROM unnest(${runs}) WITH ORDINALITY AS q(run_id, ord)`,
      params.values,
    );
    const byPoints: RunBounds[] = [];
    const byBlocks: RunBounds[] = [];
    for (const row of bounds.rows) {
      if (row.lo === null || row.hi === null) continue;
      const run = { ord: row.ord, runId: runIds[row.ord - 1]!, lo: row.lo, hi: row.hi };
      (row.hi - row.lo + 1 >= n * BLOCK_STEPS ? byBlocks : byPoints).push(run);
    }
    if (byPoints.length === 0 && byBlocks.length === 0) return { rows: [] as BucketRow[] };
    const second = new SqlParameters();
    const sql = aggregationSql(ctx, key, options, byPoints, byBlocks, second);
    return tx.query<BucketRow>(sql, second.values);
  });
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

/** The second statement of {@link bucketHistories}: only the arms the runs need. */
function aggregationSql(
  ctx: TrackingContext,
  key: string,
  options: MetricBucketOptions,
  byPoints: readonly RunBounds[],
  byBlocks: readonly RunBounds[],
  params: SqlParameters,
): string {
  const workspace = params.bind(ctx.workspaceId, "text");
  const metric = params.bind(key, "text");
  const buckets = params.bind(options.buckets, "int8");
  const ctes: string[] = [];
  const selects: string[] = [];
  if (byPoints.length > 0) {
    ctes.push(
      runsCte("point_runs", byPoints, params),
      `grouped AS MATERIALIZED (
  SELECT p.ord, p.run_id, p.lo, p.hi,
         (m.step - p.lo) * ${buckets} / (p.hi - p.lo + 1) AS bucket,
         min(m.value) AS min_value, max(m.value) AS max_value, count(*) AS point_count,
         min(m.step) AS first_step, max(m.step) AS last_step
    FROM point_runs p
    JOIN tracking_metrics m ON m.workspace_id = ${workspace} AND m.run_id = p.run_id AND m.key = ${metric}
                           AND m.step >= p.lo AND m.step <= p.hi
   GROUP BY p.ord, p.run_id, p.lo, p.hi, bucket
)`,
    );
    selects.push(`
SELECT g.ord, g.lo, g.hi, g.bucket, g.min_value, g.max_value, g.point_count, g.first_step, g.last_step,
       (SELECT m.value FROM tracking_metrics m
         WHERE m.workspace_id = ${workspace} AND m.run_id = g.run_id AND m.key = ${metric} AND m.step = g.last_step
         ORDER BY m.timestamp_ms DESC, m.value DESC LIMIT 1) AS last_value
  FROM grouped g`);
  }
  if (byBlocks.length > 0) {
    const { fullBlocks, rawRanges } = blockCoverage(options.stepRange);
    let blockRange = "";
    if (fullBlocks.min !== undefined) blockRange += ` AND k.block >= ${params.bind(fullBlocks.min, "int8")}`;
    if (fullBlocks.max !== undefined) blockRange += ` AND k.block <= ${params.bind(fullBlocks.max, "int8")}`;
    const bucketOf = (block: string) =>
      `(${block} - p.block_lo) * ${buckets} / (p.block_hi - p.block_lo + 1)`;
    const edgePoints = rawRanges.map(
      ([from, to]) => `
  UNION ALL
  SELECT p.ord, ${bucketOf(`(m.step >> ${BLOCK_SHIFT})`)}, m.value, m.value, 1::int8, m.step, m.step, m.value, m.timestamp_ms
    FROM block_runs p
    JOIN tracking_metrics m ON m.workspace_id = ${workspace} AND m.run_id = p.run_id AND m.key = ${metric}
                           AND m.step >= ${params.bind(from, "int8")} AND m.step <= ${params.bind(to, "int8")}`,
    );
    ctes.push(
      runsCte("block_runs", byBlocks, params),
      `pieces AS (
  SELECT p.ord, ${bucketOf("k.block")} AS bucket, k.min_value, k.max_value, k.point_count,
         k.first_step, k.last_step, k.last_value, k.last_timestamp_ms
    FROM block_runs p
    JOIN tracking_metric_blocks k ON k.workspace_id = ${workspace} AND k.run_id = p.run_id AND k.key = ${metric}
                                 AND k.block >= p.block_lo AND k.block <= p.block_hi${blockRange}${edgePoints.join("")}
)`,
    );
    selects.push(`
SELECT x.ord, p.lo, p.hi, x.bucket, x.min_value, x.max_value, x.point_count, x.first_step, x.last_step, x.last_value
  FROM (SELECT c.ord, c.bucket, min(c.min_value) AS min_value, max(c.max_value) AS max_value,
               sum(c.point_count)::int8 AS point_count, min(c.first_step) AS first_step, max(c.last_step) AS last_step,
               (array_agg(c.last_value ORDER BY c.last_step DESC, c.last_timestamp_ms DESC, c.last_value DESC))[1] AS last_value
          FROM pieces c
         GROUP BY c.ord, c.bucket) x
  JOIN block_runs p ON p.ord = x.ord`);
  }
  return `WITH ${ctes.join(", ")}${selects.join("\nUNION ALL")}\n ORDER BY 1, 4`;
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
