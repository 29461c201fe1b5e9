/**
 * Metric logging end to end: 1M points (100 metrics × 10k steps) through `run.logMetrics` (buffer,
 * background batches, summaries upsert, `run.end()` flush) on PGlite and on PostgreSQL, against raw
 * `pg` multi-row `INSERT ... VALUES` of the same rows into the same `tracking_metrics` table (the
 * baseline, measured in the same run). Targets (issue 4): ≥ 200k points/s on PostgreSQL, ≥ 0.7× raw.
 *
 *   BALLAST_TEST_POSTGRES_URL=postgres://... npx tsx bench/run.ts tracking-log-metrics
 *
 * Without BALLAST_TEST_POSTGRES_URL only PGlite runs, and the baseline is the PGlite tracker itself.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalBlobStore, createPGliteDatabase, type MetadataDatabase } from "@ballast/core";
import { createPostgresDatabase } from "@ballast/core/postgres";
import pg from "pg";
import type { Run } from "../packages/tracking/src/run/run.js";
import { createTracker, type Tracker } from "../packages/tracking/src/tracker.js";
import { type BenchCase, runBench } from "./harness.js";

const METRICS = 100;
const STEPS = 10_000;
const POINTS = METRICS * STEPS;
const names = Array.from({ length: METRICS }, (_, i) => `metric_${i}`);
/** 65,535 bind parameters / 6 columns: the largest multi-row VALUES statement PostgreSQL accepts. */
const VALUES_CHUNK = Math.floor(65_535 / 6);
const T0 = 1_700_000_000_000;

// The training loop's values, made once so every case writes the same numbers.
const stepValues: Record<string, number>[] = Array.from({ length: STEPS }, (_, step) => {
  const values: Record<string, number> = {};
  for (let m = 0; m < METRICS; m++) values[names[m]!] = Math.sin(step * 0.001 + m);
  return values;
});

async function logAll(run: Run): Promise<void> {
  for (let step = 0; step < STEPS; step++) {
    const wait = run.logMetrics(stepValues[step]!, { step, timestamp: T0 + step });
    if (wait) await wait;
  }
  await run.end();
}

async function reset(db: MetadataDatabase): Promise<void> {
  await db.query("TRUNCATE tracking_metrics");
  await db.query("TRUNCATE tracking_metric_summaries");
  await db.query("TRUNCATE tracking_metric_blocks");
}

function trackerCase(name: string, db: MetadataDatabase, tracker: Tracker): BenchCase {
  let run: Run | undefined;
  return {
    name,
    items: POINTS,
    setup: async () => {
      await reset(db);
      const experiment = await tracker.experiment("bench", { metrics: names });
      run = await experiment.startRun({ captureEnvironment: false });
    },
    run: () => logAll(run!),
  };
}

const dir = await mkdtemp(join(tmpdir(), "ballast-bench-tracking-"));
const url = process.env.BALLAST_TEST_POSTGRES_URL;
if (!url) console.log("BALLAST_TEST_POSTGRES_URL is not set: running PGlite only.");
const schema = `ballast_bench_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
const artifacts = await createLocalBlobStore(join(dir, "artifacts"));
const pgliteDb = await createPGliteDatabase({ dataDir: join(dir, "db") });
const closers: (() => Promise<void>)[] = [() => pgliteDb.close()];

try {
  const pgliteTracker = await createTracker(
    { metadata: pgliteDb, artifacts, workspace: "bench" },
    { captureEnvironment: false },
  );
  closers.unshift(() => pgliteTracker.close());
  const cases: BenchCase[] = [trackerCase("PGlite: tracker run.logMetrics", pgliteDb, pgliteTracker)];

  if (url) {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    closers.push(async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    });
    const postgresDb = createPostgresDatabase({ url, schema, poolSize: 4 });
    closers.unshift(() => postgresDb.close());
    const postgresTracker = await createTracker(
      { metadata: postgresDb, artifacts, workspace: "bench" },
      { captureEnvironment: false },
    );
    closers.unshift(() => postgresTracker.close());
    const raw = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    closers.unshift(() => raw.end());
    const rawRunId = randomUUID();

    cases.unshift(
      {
        name: "pg raw: multi-row VALUES",
        items: POINTS,
        setup: () => reset(postgresDb),
        run: async () => {
          // The same rows, built from the same values, in statements of the largest legal size.
          const client = await raw.connect();
          try {
            let params: unknown[] = [];
            let tuples: string[] = [];
            const send = async () => {
              await client.query(
                `INSERT INTO tracking_metrics (workspace_id, run_id, key, step, timestamp_ms, value) VALUES ${tuples.join(",")}`,
                params,
              );
              params = [];
              tuples = [];
            };
            for (let step = 0; step < STEPS; step++) {
              const values = stepValues[step]!;
              for (const key of names) {
                const n = params.length;
                tuples.push(`($${n + 1},$${n + 2},$${n + 3},$${n + 4},$${n + 5},$${n + 6})`);
                params.push("bench", rawRunId, key, step, T0 + step, values[key]);
                if (tuples.length === VALUES_CHUNK) await send();
              }
            }
            if (tuples.length > 0) await send();
          } finally {
            client.release();
          }
        },
      },
      trackerCase("Postgres: tracker run.logMetrics", postgresDb, postgresTracker),
    );
  }

  await runBench({
    name: "tracking-log-metrics",
    baseline: url ? "pg raw: multi-row VALUES" : "PGlite: tracker run.logMetrics",
    unit: "points",
    cases,
    iterations: 3,
    warmup: 1,
    params: {
      metrics: METRICS,
      steps: STEPS,
      points: POINTS,
      valuesChunk: VALUES_CHUNK,
      postgres: Boolean(url),
    },
  });
} finally {
  for (const close of closers) await close().catch((error: unknown) => console.error(error));
  await rm(dir, { recursive: true, force: true });
}
