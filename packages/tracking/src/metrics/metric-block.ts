import type { MetricRow } from "./metric-row.js";

/**
 * Steps per rollup block of `tracking_metric_blocks`: block `b` of a metric holds its points with
 * `b * BLOCK_STEPS <= step < (b + 1) * BLOCK_STEPS`. A power of two, so PostgreSQL finds a step's block
 * with an arithmetic shift (`step >> BLOCK_SHIFT`, which is floor division for negative steps too).
 *
 * Chosen by measurement on PostgreSQL (1M points of one metric into 1,000 buckets, the setup of
 * bench/tracking-history.bench.ts; getMetricHistory p50): 32 steps read 31k block rows in 16.7 ms, 64
 * read 15.6k in 10.0 ms, 128 read 7.8k in 5.5 ms. All are far under the 100 ms target, so 64 was
 * taken: it serves buckets from 64 steps wide (128 would send every narrower bucket to the points)
 * and keeps the rollup at 1/64 of the points. On the write side a 50k-point batch of 100 metrics
 * makes ~900 block rows; aggregating them costs ~45 ms of JS per million points.
 */
export const BLOCK_SHIFT = 6;
export const BLOCK_STEPS = 2 ** BLOCK_SHIFT;

/** One row of `tracking_metric_blocks`: the aggregate of one metric's points in one block of steps. */
export type MetricBlock = {
  workspace_id: string;
  run_id: string;
  key: string;
  block: number;
  min_value: number;
  max_value: number;
  point_count: number;
  first_step: number;
  last_step: number;
  last_value: number;
  last_timestamp_ms: number;
};

/**
 * PostgreSQL's order of `double precision`: `NaN` above every number, `NaN = NaN`. `LEAST`,
 * `GREATEST`, `min`, `max`, `ORDER BY` and row comparisons all follow it, so the batch aggregate must
 * too, or a block folded in JS would disagree with the same points aggregated by SQL.
 */
export function pgCompare(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether point A comes after point B in the order that picks a bucket's `last`: higher step, then
 * later timestamp, then (for two points logged at the same step in the same millisecond) the larger
 * value in PostgreSQL's order. The last rule makes `last` a function of the points alone rather than of
 * their physical order in the table, so the rollup and an aggregation of raw points always agree.
 */
export function isLaterPoint(
  stepA: number,
  timeA: number,
  valueA: number,
  stepB: number,
  timeB: number,
  valueB: number,
): boolean {
  if (stepA !== stepB) return stepA > stepB;
  if (timeA !== timeB) return timeA > timeB;
  return pgCompare(valueA, valueB) > 0;
}

/** The block of a step: floor division, also for negative steps. */
export function blockOf(step: number): number {
  return Math.floor(step / BLOCK_STEPS);
}

/**
 * Aggregates one batch of points into one row per (workspace, run, key, block), sorted by that key.
 * One row per key is what `INSERT ... ON CONFLICT DO UPDATE` needs (it refuses to touch a row twice in
 * one statement); the sort makes concurrent writers lock block rows in the same order, so two
 * overlapping batch writes of one run wait for each other instead of deadlocking.
 */
export function summarizeMetricBlocks(rows: readonly MetricRow[]): MetricBlock[] {
  // Keyed run -> key -> block without building a string per point: a batch is nearly always one run,
  // so the run's map is looked up once per change of run, and the key's by its (interned) string.
  const byRun = new Map<string, Map<string, Map<number, MetricBlock>>>();
  let workspaceId: string | undefined;
  let runId: string | undefined;
  let byKey: Map<string, Map<number, MetricBlock>> | undefined;
  let lastKey: string | undefined;
  let blocks: Map<number, MetricBlock> | undefined;
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
      lastKey = undefined;
    }
    if (row.key !== lastKey || !blocks) {
      lastKey = row.key;
      blocks = byKey.get(row.key);
      if (!blocks) {
        blocks = new Map();
        byKey.set(row.key, blocks);
      }
    }
    const number = blockOf(row.step);
    const block = blocks.get(number);
    if (!block) {
      blocks.set(number, {
        workspace_id: row.workspace_id,
        run_id: row.run_id,
        key: row.key,
        block: number,
        min_value: row.value,
        max_value: row.value,
        point_count: 1,
        first_step: row.step,
        last_step: row.step,
        last_value: row.value,
        last_timestamp_ms: row.timestamp_ms,
      });
      continue;
    }
    if (pgCompare(row.value, block.min_value) < 0) block.min_value = row.value;
    if (pgCompare(row.value, block.max_value) > 0) block.max_value = row.value;
    block.point_count++;
    if (row.step < block.first_step) block.first_step = row.step;
    if (
      isLaterPoint(
        row.step,
        row.timestamp_ms,
        row.value,
        block.last_step,
        block.last_timestamp_ms,
        block.last_value,
      )
    ) {
      block.last_step = row.step;
      block.last_timestamp_ms = row.timestamp_ms;
      block.last_value = row.value;
    }
  }
  const out: MetricBlock[] = [];
  for (const run of [...byRun.keys()].sort()) {
    const keys = byRun.get(run)!;
    for (const key of [...keys.keys()].sort()) {
      const list = [...keys.get(key)!.values()].sort((a, b) => a.block - b.block);
      for (const block of list) out.push(block);
    }
  }
  return out;
}
