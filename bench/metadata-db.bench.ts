/**
 * Metadata database: bulk inserts (100k metric points) and indexed point lookups (10k), on PGlite and
 * on PostgreSQL through `MetadataDatabase`, against the raw client doing the same statements.
 *
 * Also compares the two multi-row insert forms (`unnest` arrays vs a multi-row `VALUES` list), which
 * decided how `insertRows` builds its statements.
 *
 *   BALLAST_TEST_POSTGRES_URL=postgres://... npx tsx bench/run.ts metadata-db
 *
 * Without BALLAST_TEST_POSTGRES_URL only the PGlite cases run, with raw PGlite as the baseline.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import {
  buildUnnestInsert,
  buildValuesInsert,
  insertRows,
} from "../packages/core/src/metadata-db/insert-rows.js";
import { createPGliteDatabase } from "../packages/core/src/metadata-db/pglite/pglite-database.js";
import { createPostgresDatabase } from "../packages/core/src/metadata-db/postgres/postgres-database.js";
import type { MetadataDatabase, SqlValue } from "../packages/core/src/metadata-db/types.js";
import { type BenchCase, runBench } from "./harness.js";

const ROWS = 100_000;
const LOOKUPS = 10_000;
const UNNEST_CHUNK = 10_000;
const COLUMNS = { run_id: "text", key: "text", step: "int8", value: "float8", at: "timestamptz" } as const;
/** 65,535 parameters / 5 columns, the most one VALUES statement can carry. */
const VALUES_CHUNK = Math.floor(65_535 / 5);

const CREATE = `CREATE TABLE IF NOT EXISTS bench_metrics (
  run_id text NOT NULL, key text NOT NULL, step int8 NOT NULL, value float8 NOT NULL, at timestamptz NOT NULL)`;
const INDEX = "CREATE INDEX IF NOT EXISTS bench_metrics_point ON bench_metrics (run_id, key, step)";
const LOOKUP = "SELECT value FROM bench_metrics WHERE run_id = $1 AND key = $2 AND step = $3";

type Point = { run_id: string; key: string; step: number; value: number; at: Date };
const points: Point[] = Array.from({ length: ROWS }, (_, i) => ({
  run_id: `run-${i % 20}`,
  key: i % 2 ? "loss" : "accuracy",
  step: Math.floor(i / 40),
  value: Math.sin(i),
  at: new Date(1_700_000_000_000 + i * 1000),
}));
const columnPlan = Object.entries(COLUMNS).map(([key, type]) => ({ key, quoted: `"${key}"`, type }));
const probes = Array.from({ length: LOOKUPS }, (_, i) => points[(i * 7919) % ROWS]!);

function chunks(size: number): Point[][] {
  const out: Point[][] = [];
  for (let i = 0; i < ROWS; i += size) out.push(points.slice(i, i + size));
  return out;
}

/** A client that runs `(sql, params)`: the raw drivers and MetadataDatabase adapt to it. */
type Run = (sql: string, params: SqlValue[]) => Promise<unknown>;

function insertCases(label: string, run: Run, reset: () => Promise<void>): BenchCase[] {
  return [
    {
      name: `${label}: unnest ×${UNNEST_CHUNK}`,
      items: ROWS,
      setup: reset,
      run: async () => {
        for (const chunk of chunks(UNNEST_CHUNK)) {
          const { sql, params } = buildUnnestInsert("bench_metrics", columnPlan, chunk);
          await run(sql, params);
        }
      },
    },
    {
      name: `${label}: VALUES ×${VALUES_CHUNK}`,
      items: ROWS,
      setup: reset,
      run: async () => {
        for (const chunk of chunks(VALUES_CHUNK)) {
          const { sql, params } = buildValuesInsert("bench_metrics", columnPlan, chunk);
          await run(sql, params);
        }
      },
    },
  ];
}

function lookupCase(name: string, run: Run, concurrency = 1): BenchCase {
  return {
    name,
    items: LOOKUPS,
    run: async () => {
      let next = 0;
      const worker = async () => {
        while (next < probes.length) {
          const probe = probes[next++]!;
          await run(LOOKUP, [probe.run_id, probe.key, probe.step]);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
  };
}

async function seedForLookups(db: MetadataDatabase): Promise<void> {
  await db.query("TRUNCATE bench_metrics");
  await insertRows(db, { table: "bench_metrics", columns: COLUMNS, rows: points });
  await db.query(INDEX);
  await db.query("ANALYZE bench_metrics");
}

const url = process.env.BALLAST_TEST_POSTGRES_URL;
if (!url) {
  console.log(
    "BALLAST_TEST_POSTGRES_URL is not set: running the PGlite cases only (start PostgreSQL with `npm run services:up` and export the URL from .services/test.env to compare).",
  );
}

const dir = await mkdtemp(join(tmpdir(), "ballast-bench-"));
const schema = `ballast_bench_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
const pgliteDb = await createPGliteDatabase({ dataDir: join(dir, "ballast") });
const rawPglite = await PGlite.create(join(dir, "raw"));
let rawPool: pg.Pool | undefined;
let postgresDb: MetadataDatabase | undefined;

try {
  await pgliteDb.query(CREATE);
  await rawPglite.query(CREATE);
  const viaDb =
    (db: MetadataDatabase): Run =>
    (sql, params) =>
      db.query(sql, params);
  const viaRawPglite: Run = (sql, params) => rawPglite.query(sql, params);

  const insert: BenchCase[] = [
    ...insertCases("PGlite raw", viaRawPglite, async () => {
      await rawPglite.query("TRUNCATE bench_metrics");
    }),
    ...insertCases("PGlite MetadataDatabase", viaDb(pgliteDb), async () => {
      await pgliteDb.query("TRUNCATE bench_metrics");
    }),
    {
      name: "PGlite MetadataDatabase: insertRows()",
      items: ROWS,
      setup: async () => {
        await pgliteDb.query("TRUNCATE bench_metrics");
      },
      run: async () => {
        await insertRows(pgliteDb, { table: "bench_metrics", columns: COLUMNS, rows: points });
      },
    },
  ];
  const lookup: BenchCase[] = [
    lookupCase("PGlite raw: sequential", (sql, params) => rawPglite.query(sql, params)),
    lookupCase("PGlite MetadataDatabase: sequential", viaDb(pgliteDb)),
  ];

  if (url) {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    rawPool = new pg.Pool({ connectionString: url, max: 8, options: `-c search_path=${schema}` });
    postgresDb = createPostgresDatabase({ url, schema, poolSize: 8 });
    await postgresDb.query(CREATE);
    const pool = rawPool;
    const viaRawPg: Run = (sql, params) => pool.query(sql, params);
    const reset = async () => {
      await pool.query("TRUNCATE bench_metrics");
    };
    const pgDb = postgresDb;
    insert.unshift(
      ...insertCases("pg raw", viaRawPg, reset),
      ...insertCases("Postgres MetadataDatabase", viaDb(pgDb), reset),
      {
        name: "Postgres MetadataDatabase: insertRows()",
        items: ROWS,
        setup: reset,
        run: async () => {
          await insertRows(pgDb, { table: "bench_metrics", columns: COLUMNS, rows: points });
        },
      },
    );
    lookup.unshift(
      lookupCase("pg raw: sequential", viaRawPg),
      lookupCase("Postgres MetadataDatabase: sequential", viaDb(pgDb)),
      lookupCase("pg raw: 8 concurrent", viaRawPg, 8),
      lookupCase("Postgres MetadataDatabase: 8 concurrent", viaDb(pgDb), 8),
    );
  }

  const params = { rows: ROWS, unnestChunk: UNNEST_CHUNK, valuesChunk: VALUES_CHUNK, postgres: Boolean(url) };
  await runBench({
    name: "metadata-db-insert",
    baseline: url ? `pg raw: unnest ×${UNNEST_CHUNK}` : `PGlite raw: unnest ×${UNNEST_CHUNK}`,
    unit: "rows",
    cases: insert,
    iterations: 5,
    params,
  });

  await seedForLookups(pgliteDb);
  await rawPglite.query("TRUNCATE bench_metrics");
  for (const chunk of chunks(UNNEST_CHUNK)) {
    const { sql, params: values } = buildUnnestInsert("bench_metrics", columnPlan, chunk);
    await rawPglite.query(sql, values);
  }
  await rawPglite.query(INDEX);
  await rawPglite.query("ANALYZE bench_metrics");
  if (postgresDb) await seedForLookups(postgresDb);
  await runBench({
    name: "metadata-db-lookup",
    baseline: url ? "pg raw: sequential" : "PGlite raw: sequential",
    unit: "lookups",
    cases: lookup,
    iterations: 5,
    params: { rows: ROWS, lookups: LOOKUPS, postgres: Boolean(url) },
  });
} finally {
  await pgliteDb.close();
  await rawPglite.close();
  await postgresDb?.close();
  await rawPool?.end();
  if (url) {
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
  await rm(dir, { recursive: true, force: true });
}
