/**
 * Metric history: one run's 1M-point metric downsampled into 1,000 buckets (min, max, last, first
 * and last step per bucket) by `getMetricHistory`, against a hand-written width-style GROUP BY
 * through the raw `pg` pool (PGlite: the same SQL straight on the database). Target (issue 4):
 * p50 ≤ 100 ms.
 *
 *   BALLAST_TEST_POSTGRES_URL=postgres://... npx tsx bench/run.ts tracking-history
 */
import { randomUUID } from "node:crypto";
import { type MetadataDatabase, openMetadataDatabase } from "@ballast/core";
import pg from "pg";
import { BLOCK_STEPS } from "../packages/tracking/src/metrics/metric-block.js";
import { writeMetricBatch } from "../packages/tracking/src/metrics/write-metric-batch.js";
import { trackingMigrations } from "../packages/tracking/src/schema/migrations.js";
import { getMetricHistory } from "../packages/tracking/src/search/metric-history.js";
import type { TrackingContext } from "../packages/tracking/src/tracking-context.js";
import { type BenchCase, runBench } from "./harness.js";
import { printPercentiles } from "./percentiles.js";

const POINTS = Number(process.env.BALLAST_BENCH_POINTS ?? 1_000_000);
const BUCKETS = 1000;
const WORKSPACE = "bench";

async function seed(db: MetadataDatabase): Promise<void> {
  await db.migrate(trackingMigrations);
  const rows = Array.from({ length: POINTS }, (_, step) => ({
    workspace_id: WORKSPACE,
    run_id: "run-1",
    key: "loss",
    step,
    timestamp_ms: 1_735_689_600_000 + step,
    value: Math.exp(-step / 200_000) + Math.sin(step) * 0.01,
  }));
  // Another metric of the same run and another run, so the index has to pick the right range.
  for (let step = 0; step < POINTS / 10; step++) {
    rows.push({ workspace_id: WORKSPACE, run_id: "run-2", key: "loss", step, timestamp_ms: 0, value: 1 });
  }
  // Through the library's write path, so the block rollup that getMetricHistory reads exists, as it
  // does for every history logged by a run; the raw SQL baseline reads only tracking_metrics.
  await writeMetricBatch(db, rows);
  await db.query("VACUUM ANALYZE tracking_metrics");
  await db.query("VACUUM ANALYZE tracking_metric_blocks");
}

/** The straightforward hand-written query: bounds, one GROUP BY, last value by a DISTINCT ON pass. */
const RAW = `
WITH b AS (SELECT min(step) lo, max(step) hi FROM tracking_metrics WHERE workspace_id = $1 AND run_id = $2 AND key = $3),
pts AS (SELECT (m.step - b.lo) * $4::int8 / (b.hi - b.lo + 1) AS bucket, m.step, m.timestamp_ms, m.value
          FROM tracking_metrics m, b WHERE m.workspace_id = $1 AND m.run_id = $2 AND m.key = $3)
SELECT g.bucket, g.mn, g.mx, g.n, g.first_step, g.last_step, l.value AS last
  FROM (SELECT bucket, min(value) mn, max(value) mx, count(*) n, min(step) first_step, max(step) last_step FROM pts GROUP BY bucket) g
  JOIN (SELECT DISTINCT ON (bucket) bucket, value FROM pts ORDER BY bucket, step DESC, timestamp_ms DESC) l USING (bucket)
 ORDER BY g.bucket`;

/**
 * Not timed: the same aggregation with bucket edges snapped to the rollup's blocks, as
 * getMetricHistory documents for buckets at least BLOCK_STEPS wide, to check the library's answer
 * bucket by bucket. (Steps are non-negative here, so integer division is floor division.)
 */
const SNAPPED = `
WITH b AS (SELECT min(step) lo, max(step) hi FROM tracking_metrics WHERE workspace_id = $1 AND run_id = $2 AND key = $3),
pts AS (SELECT (m.step / $5::int8 - b.lo / $5::int8) * $4::int8 / (b.hi / $5::int8 - b.lo / $5::int8 + 1) AS bucket, m.step, m.timestamp_ms, m.value
          FROM tracking_metrics m, b WHERE m.workspace_id = $1 AND m.run_id = $2 AND m.key = $3)
SELECT g.bucket::int4 AS index, g.first_step::int4 AS "firstStep", g.last_step::int4 AS "lastStep", g.mn AS min, g.mx AS max, l.value AS last, g.n::int4 AS count
  FROM (SELECT bucket, min(value) mn, max(value) mx, count(*) n, min(step) first_step, max(step) last_step FROM pts GROUP BY bucket) g
  JOIN (SELECT DISTINCT ON (bucket) bucket, value FROM pts ORDER BY bucket, step DESC, timestamp_ms DESC, value DESC) l USING (bucket)
 ORDER BY g.bucket`;

type Query = (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }>;

async function cases(label: string, db: MetadataDatabase, raw: Query): Promise<BenchCase[]> {
  const ctx = { db, workspaceId: WORKSPACE } as unknown as TrackingContext;
  const check = await getMetricHistory(ctx, "run-1", "loss", { buckets: BUCKETS });
  const rawRows = (await raw(RAW, [WORKSPACE, "run-1", "loss", BUCKETS])).rows as { last: number }[];
  const snapped = (await raw(SNAPPED, [WORKSPACE, "run-1", "loss", BUCKETS, BLOCK_STEPS])).rows;
  if (check.buckets.length !== BUCKETS || rawRows.length !== BUCKETS)
    throw new Error("expected 1,000 full buckets");
  if (JSON.stringify(check.buckets) !== JSON.stringify(snapped))
    throw new Error("library and raw SQL over the same (block-snapped) buckets disagree");
  return [
    {
      name: `${label} raw SQL`,
      items: POINTS,
      run: async () => void (await raw(RAW, [WORKSPACE, "run-1", "loss", BUCKETS])),
    },
    {
      name: `${label} getMetricHistory`,
      items: POINTS,
      run: async () => void (await getMetricHistory(ctx, "run-1", "loss", { buckets: BUCKETS })),
    },
  ];
}

const url = process.env.BALLAST_TEST_POSTGRES_URL;
const params = { points: POINTS, buckets: BUCKETS };

if (url) {
  const schema = `bench_history_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openMetadataDatabase(url, { schema });
  const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  try {
    await seed(db);
    const results = await runBench({
      name: "tracking-history-postgres",
      baseline: "postgres raw SQL",
      unit: "points",
      cases: await cases("postgres", db, (sql, values) => pool.query(sql, values)),
      iterations: 20,
      warmup: 2,
      params,
    });
    printPercentiles(results);
  } finally {
    await pool.end();
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
} else {
  console.log(
    "BALLAST_TEST_POSTGRES_URL is not set: skipping PostgreSQL (npm run services:up, then export it from .services/test.env).",
  );
}

if (process.env.BALLAST_BENCH_SKIP_PGLITE !== "1") {
  const db = await openMetadataDatabase("pglite://memory");
  try {
    await seed(db);
    const results = await runBench({
      name: "tracking-history-pglite",
      baseline: "pglite raw SQL",
      unit: "points",
      cases: await cases("pglite", db, (sql, values) => db.query(sql, values as never)),
      iterations: 10,
      warmup: 1,
      params,
    });
    printPercentiles(results);
  } finally {
    await db.close();
  }
}
