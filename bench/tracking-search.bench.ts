/**
 * Tracking search: `searchRuns` over 100k runs (3 params and 3 metric summaries each) with a filter
 * on two metrics and a param, ordered by a metric, first page of 100 — against the same hand-written
 * SQL (page query plus the four loads of the page's runs) through the raw `pg` pool. Target (issue 4):
 * p50 ≤ 50 ms on PostgreSQL. PGlite runs too, with raw PGlite statements through the same database.
 *
 *   BALLAST_TEST_POSTGRES_URL=postgres://... npx tsx bench/run.ts tracking-search
 */
import { randomUUID } from "node:crypto";
import { insertRows, type MetadataDatabase, openMetadataDatabase } from "@ballast/core";
import pg from "pg";
import { trackingMigrations } from "../packages/tracking/src/schema/migrations.js";
import { searchRuns } from "../packages/tracking/src/search/search-runs.js";
import type { TrackingContext } from "../packages/tracking/src/tracking-context.js";
import { type BenchCase, runBench } from "./harness.js";
import { printPercentiles } from "./percentiles.js";

const RUNS = Number(process.env.BALLAST_BENCH_RUNS ?? 100_000);
const ITERATIONS = 30;
const WORKSPACE = "bench";
const FILTER = "metrics.accuracy > 0.9 and metrics.loss < 0.2 and params.lr < 0.01";
const ORDER = ["metrics.accuracy DESC"];
const LRS = [0.1, 0.01, 0.001, 0.0001];

/** A deterministic generator, so every run of the bench seeds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function seed(db: MetadataDatabase): Promise<void> {
  await db.migrate(trackingMigrations);
  const next = random(42);
  const ids = Array.from({ length: RUNS }, (_, i) => `run-${String(i).padStart(6, "0")}`);
  const start = Date.UTC(2025, 0, 1);
  await insertRows(db, {
    table: "tracking_experiments",
    columns: { workspace_id: "text", id: "text", name: "text", created_at: "timestamptz" },
    rows: [{ workspace_id: WORKSPACE, id: "exp", name: "bench", created_at: new Date(start) }],
  });
  await insertRows(db, {
    table: "tracking_runs",
    columns: {
      workspace_id: "text",
      id: "text",
      experiment_id: "text",
      name: "text",
      status: "text",
      start_time: "timestamptz",
      end_time: "timestamptz",
      heartbeat_at: "timestamptz",
      owner_host: "text",
      owner_pid: "int4",
    },
    rows: ids.map((id, i) => ({
      workspace_id: WORKSPACE,
      id,
      experiment_id: "exp",
      name: `run ${i}`,
      status: "finished",
      start_time: new Date(start + i * 1000),
      end_time: new Date(start + i * 1000 + 500),
      heartbeat_at: new Date(start + i * 1000 + 500),
      owner_host: "bench",
      owner_pid: 1,
    })),
  });
  await insertRows(db, {
    table: "tracking_params",
    columns: {
      workspace_id: "text",
      run_id: "text",
      key: "text",
      value: "jsonb",
      value_text: "text",
      value_number: "float8",
    },
    rows: ids.flatMap((id, i) => {
      const lr = LRS[i % 4]!;
      const batch = 32 * (1 + (i % 8));
      const optimizer = i % 3 ? "sgd" : "adam";
      return [
        {
          workspace_id: WORKSPACE,
          run_id: id,
          key: "lr",
          value: JSON.stringify(lr),
          value_text: null,
          value_number: lr,
        },
        {
          workspace_id: WORKSPACE,
          run_id: id,
          key: "batch",
          value: JSON.stringify(batch),
          value_text: null,
          value_number: batch,
        },
        {
          workspace_id: WORKSPACE,
          run_id: id,
          key: "optimizer",
          value: JSON.stringify(optimizer),
          value_text: optimizer,
          value_number: null,
        },
      ];
    }),
  });
  await insertRows(db, {
    table: "tracking_metric_summaries",
    columns: {
      workspace_id: "text",
      run_id: "text",
      key: "text",
      last_value: "float8",
      last_step: "int8",
      last_timestamp_ms: "int8",
      min_value: "float8",
      max_value: "float8",
      point_count: "int8",
    },
    rows: ids.flatMap((id) =>
      ["accuracy", "loss", "f1"].map((key) => {
        const last = next();
        return {
          workspace_id: WORKSPACE,
          run_id: id,
          key,
          last_value: last,
          last_step: 99,
          last_timestamp_ms: start,
          min_value: last / 2,
          max_value: Math.min(1, last * 1.5),
          point_count: 100,
        };
      }),
    ),
  });
  await db.query("ANALYZE");
}

/** The hand-written equivalent of the search: page ids, then the page's runs, params, tags, metrics. */
const RAW_PAGE = `
SELECT r.id FROM tracking_runs r
  JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id
  LEFT JOIN tracking_metric_summaries o ON o.workspace_id = r.workspace_id AND o.run_id = r.id AND o.key = 'accuracy'
 WHERE r.workspace_id = $1
   AND EXISTS (SELECT 1 FROM tracking_metric_summaries s WHERE s.workspace_id = r.workspace_id AND s.run_id = r.id AND s.key = 'accuracy' AND s.last_value > 0.9)
   AND EXISTS (SELECT 1 FROM tracking_metric_summaries s WHERE s.workspace_id = r.workspace_id AND s.run_id = r.id AND s.key = 'loss' AND s.last_value < 0.2)
   AND EXISTS (SELECT 1 FROM tracking_params p WHERE p.workspace_id = r.workspace_id AND p.run_id = r.id AND p.key = 'lr' AND p.value_number < 0.01)
 ORDER BY o.last_value DESC NULLS LAST, r.id
 LIMIT 101`;
const RAW_LOADS = [
  `SELECT r.*, e.name AS experiment_name FROM tracking_runs r JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id WHERE r.workspace_id = $1 AND r.id = ANY($2)`,
  "SELECT run_id, key, value FROM tracking_params WHERE workspace_id = $1 AND run_id = ANY($2)",
  "SELECT run_id, key, value FROM tracking_tags WHERE workspace_id = $1 AND run_id = ANY($2)",
  "SELECT * FROM tracking_metric_summaries WHERE workspace_id = $1 AND run_id = ANY($2)",
];

type Query = (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

async function rawSearch(query: Query): Promise<void> {
  const { rows } = await query(RAW_PAGE, [WORKSPACE]);
  const ids = rows.slice(0, 100).map((row) => row.id as string);
  await Promise.all(RAW_LOADS.map((sql) => query(sql, [WORKSPACE, ids])));
}

async function searchCases(label: string, db: MetadataDatabase, raw: Query): Promise<BenchCase[]> {
  const ctx: TrackingContext = {
    db,
    workspaceId: WORKSPACE,
    blobs: undefined as never,
    clock: { now: () => Date.now() } as never,
    logger: undefined as never,
  };
  const check = await searchRuns(ctx, { filter: FILTER, orderBy: ORDER, limit: 100 });
  if (check.runs.length !== 100) throw new Error(`expected a full page, got ${check.runs.length}`);
  return [
    { name: `${label} raw SQL`, items: 100, run: () => rawSearch(raw) },
    {
      name: `${label} searchRuns`,
      items: 100,
      run: async () => void (await searchRuns(ctx, { filter: FILTER, orderBy: ORDER, limit: 100 })),
    },
  ];
}

const url = process.env.BALLAST_TEST_POSTGRES_URL;
const params = { runs: RUNS, filter: FILTER, orderBy: ORDER, limit: 100 };

if (url) {
  const schema = `bench_search_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openMetadataDatabase(url, { schema });
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  try {
    const seeded = performance.now();
    await seed(db);
    console.log(`postgres: seeded ${RUNS} runs in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    if (process.env.BALLAST_BENCH_EXPLAIN === "1") {
      for (const extra of (process.env.BALLAST_BENCH_EXTRA_SQL ?? "").split(";").filter((s) => s.trim()))
        await pool.query(extra);
      const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${RAW_PAGE}`, [WORKSPACE]);
      console.log(plan.rows.map((row) => row["QUERY PLAN"]).join("\n"));
    }
    const results = await runBench({
      name: "tracking-search-postgres",
      baseline: "postgres raw SQL",
      unit: "runs",
      cases: await searchCases("postgres", db, (sql, values) => pool.query(sql, values)),
      iterations: ITERATIONS,
      warmup: 3,
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
    const seeded = performance.now();
    await seed(db);
    console.log(`pglite: seeded ${RUNS} runs in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const results = await runBench({
      name: "tracking-search-pglite",
      baseline: "pglite raw SQL",
      unit: "runs",
      cases: await searchCases("pglite", db, (sql, values) => db.query(sql, values as never)),
      iterations: ITERATIONS,
      warmup: 3,
      params,
    });
    printPercentiles(results);
  } finally {
    await db.close();
  }
}
