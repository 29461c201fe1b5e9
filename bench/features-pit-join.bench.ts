/**
 * Point-in-time join of 1M entity rows against 10M feature rows (one view, 100k entities, 10 float64
 * features, spread over ~29 days), end to end from Parquet files on the local blob store, against
 * DuckDB's `ASOF LEFT JOIN` on the same files in the same run.
 *
 * Same semantics on both sides: match on `driver_id`, entity ts >= feature ts, latest feature row
 * wins, unmatched entity rows kept with nulls; no lookback, no created timestamp. Every feature row
 * has a distinct timestamp, so there are no ties whose resolution could differ. DuckDB materialises
 * the result with CREATE TABLE AS on all cores (a 1-thread case is printed for reference). After
 * timing, the results are compared: matched-row count and per-feature sums.
 *
 * Timed for Ballast, from the files each time (nothing decoded is kept between iterations): reading
 * the entity file, and the join streaming the feature files with `scanSource`, one row group at a
 * time. Row groups are decoded on core's shared worker pool (one worker per core) while the join
 * runs on the main thread, and the view gives `scanColumns`, so the join reads the source in two
 * passes: join keys and timestamps first, then the ten features, copying only the matched rows.
 * The pool's workers (not any data) stay warm between iterations, as DuckDB's threads do.
 *
 * The generated files are cached under the OS temp dir, keyed by the parameters.
 * Run: `npm run bench -- features-pit-join` (or `npx tsx bench/run.ts features-pit-join`).
 * Smaller: `BALLAST_BENCH_PIT_FEATURE_ROWS=1000000 npx tsx bench/run.ts features-pit-join` (entity rows and
 * entities scale with it: 1/10 and 1/100 of the feature rows).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readParquet, sharedParquetDecodePool } from "@ballast/core";
import { DuckDBInstance } from "@duckdb/node-api";
import { Float64, makeVector, Table, TimestampMillisecond, vectorFromArray } from "apache-arrow";
import { createLocalBlobStore } from "../packages/core/src/blob-store/local/local-blob-store.js";
import { writeParquet } from "../packages/core/src/parquet/write-parquet.js";
import { pointInTimeJoin } from "../packages/features/src/offline/point-in-time-join.js";
import { scanSource } from "../packages/features/src/offline/scan-source.js";
import { runBench } from "./harness.js";

const FEATURE_ROWS = Number(process.env.BALLAST_BENCH_PIT_FEATURE_ROWS ?? 10_000_000);
const ENTITY_ROWS = Number(process.env.BALLAST_BENCH_PIT_ENTITY_ROWS ?? FEATURE_ROWS / 10);
const ENTITIES = Number(process.env.BALLAST_BENCH_PIT_ENTITIES ?? FEATURE_ROWS / 100);
const FEATURES = 10;
const FILES = 10;
const ROW_GROUP = 100_000;
const STEP_MS = 250; // feature row i is at BASE + i * 250 ms: distinct times, ~29 days for 10M rows
const BASE = Date.UTC(2024, 0, 1);
const featureNames = Array.from({ length: FEATURES }, (_, i) => `f${i}`);

const dataDir = join(tmpdir(), `ballast-bench-pit-${FEATURE_ROWS}-${ENTITY_ROWS}-${ENTITIES}-${FEATURES}-v1`);
const storeDir = join(dataDir, "store");
const doneMarker = join(dataDir, "complete");

/** Deterministic pseudo-random numbers (LCG). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

async function generate(): Promise<void> {
  const store = await createLocalBlobStore(storeDir);
  const next = lcg(42);
  const perFile = Math.ceil(FEATURE_ROWS / FILES);
  for (let file = 0; file < FILES; file++) {
    const from = file * perFile;
    const rows = Math.min(perFile, FEATURE_ROWS - from);
    if (rows <= 0) break;
    const ids = new BigInt64Array(rows);
    const ts = new BigInt64Array(rows);
    const columns: Record<string, ReturnType<typeof makeVector>> = {};
    for (let i = 0; i < rows; i++) {
      ids[i] = BigInt(Math.floor(next() * ENTITIES));
      ts[i] = BigInt(BASE + (from + i) * STEP_MS);
    }
    for (const name of featureNames) {
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) values[i] = Math.round(next() * 1e6) / 1e3;
      columns[name] = makeVector(values);
    }
    const table = new Table({
      driver_id: makeVector(ids),
      event_ts: makeVector({ type: new TimestampMillisecond("UTC"), data: ts } as never),
      ...columns,
    });
    await writeParquet(store, `features/part-${String(file).padStart(2, "0")}.parquet`, table, {
      rowGroupSize: ROW_GROUP,
    });
  }
  // Entity rows: random drivers (some beyond the feature entities, which get nulls) at random times
  // over the same span plus a day, in random order.
  const span = FEATURE_ROWS * STEP_MS + 86_400_000;
  const ids = new BigInt64Array(ENTITY_ROWS);
  const ts = new BigInt64Array(ENTITY_ROWS);
  for (let i = 0; i < ENTITY_ROWS; i++) {
    ids[i] = BigInt(Math.floor(next() * ENTITIES * 1.01));
    ts[i] = BigInt(BASE + Math.floor(next() * span));
  }
  const entities = new Table({
    driver_id: makeVector(ids),
    event_timestamp: makeVector({ type: new TimestampMillisecond("UTC"), data: ts } as never),
    label: vectorFromArray(
      Array.from({ length: ENTITY_ROWS }, () => next()),
      new Float64(),
    ),
  });
  await writeParquet(store, "entities.parquet", entities, { rowGroupSize: ROW_GROUP });
  await store.close();
  writeFileSync(doneMarker, new Date().toISOString());
}

if (process.env.BALLAST_BENCH_PIT_GENERATE_ONLY === "1") {
  await generate();
  process.exit(0);
}

if (!existsSync(doneMarker)) {
  // Generated in a child process so the generator's memory does not count in this process's peak RSS.
  mkdirSync(dataDir, { recursive: true });
  console.log(`generating ${FEATURE_ROWS} feature rows and ${ENTITY_ROWS} entity rows in ${dataDir} ...`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BALLAST_BENCH_PIT_GENERATE_ONLY: "1" },
    stdio: "inherit",
  });
  if (child.status !== 0) throw new Error("generating the benchmark data failed");
}

const store = await createLocalBlobStore(storeDir);
const featureColumns = [
  { name: "driver_id", type: "int64" as const },
  ...featureNames.map((name) => ({ name, type: "float64" as const })),
];

async function ballastJoin(): Promise<Table> {
  const entities = await readParquet(store, "entities.parquet", { decodeOn: sharedParquetDecodePool() });
  const scan = (columns: typeof featureColumns) =>
    scanSource({ store, path: "features/", timestampField: "event_ts", columns });
  return pointInTimeJoin({
    entities,
    timestampColumn: "event_timestamp",
    views: [
      {
        name: "driver_stats",
        joinKeys: ["driver_id"],
        hasCreatedTimestamp: false,
        batches: () => scan(featureColumns),
        scanColumns: (names) => scan(featureColumns.filter((column) => names.includes(column.name))),
        features: featureNames.map((name) => ({ column: name, outputName: name, type: "float64" as const })),
      },
    ],
  });
}

const duck = await DuckDBInstance.create(":memory:");
const db = await duck.connect();
const threads = cpus().length;
const duckJoin = `CREATE OR REPLACE TEMP TABLE result AS
  SELECT e.*, ${featureNames.map((n) => `f.${n}`).join(", ")}
  FROM read_parquet('${join(storeDir, "entities.parquet")}') e
  ASOF LEFT JOIN read_parquet('${join(storeDir, "features", "*.parquet")}') f
  ON e.driver_id = f.driver_id AND e.event_timestamp >= f.event_ts`;

let ours: Table | undefined;
let rssAfterOurs = 0;
const rssBefore = process.resourceUsage().maxRSS;
await runBench({
  name: "features-pit-join",
  baseline: "duckdb ASOF JOIN",
  unit: "entity rows",
  iterations: 5,
  warmup: 1,
  params: {
    featureRows: FEATURE_ROWS,
    entityRows: ENTITY_ROWS,
    entities: ENTITIES,
    features: FEATURES,
    files: FILES,
    rowGroupSize: ROW_GROUP,
    duckdbThreads: threads,
  },
  cases: [
    {
      name: "ballast pointInTimeJoin",
      items: ENTITY_ROWS,
      setup: () => {
        ours = undefined;
      },
      run: async () => {
        ours = await ballastJoin();
      },
      teardown: () => {
        rssAfterOurs ||= process.resourceUsage().maxRSS;
      },
    },
    {
      name: "duckdb ASOF JOIN",
      items: ENTITY_ROWS,
      setup: () => db.run(`SET threads=${threads}`).then(() => {}),
      run: () => db.run(duckJoin).then(() => {}),
    },
    {
      name: "duckdb ASOF JOIN (1 thread)",
      items: ENTITY_ROWS,
      setup: () => db.run("SET threads=1").then(() => {}),
      run: () => db.run(duckJoin).then(() => {}),
      teardown: () => db.run(`SET threads=${threads}`).then(() => {}),
    },
  ],
});

// Agreement, untimed: matched rows and per-feature sums of Ballast's last result and DuckDB's.
const result = ours ?? (await ballastJoin());
const ourCount = result.numRows - result.getChild("f0")!.nullCount;
const ourSums = featureNames.map((name) => {
  let sum = 0;
  for (const chunk of result.getChild(name)!.data) {
    const values = chunk.values as Float64Array;
    for (let i = 0; i < chunk.length; i++) if (chunk.getValid(i)) sum += values[i]!;
  }
  return sum;
});
const check = await db.runAndReadAll(
  `SELECT count(*), count(f0), ${featureNames.map((n) => `sum(${n})`).join(", ")} FROM result`,
);
const [duckRows, duckCount, ...duckSums] = check.getRows()[0]!.map(Number);
const sumsAgree = duckSums.every((s, i) => Math.abs(s - ourSums[i]!) <= 1e-9 * Math.max(1, Math.abs(s)));
console.log(
  `\nagreement: rows ${result.numRows} vs DuckDB ${duckRows}; matched ${ourCount} vs ${duckCount}; ` +
    `feature sums ${sumsAgree ? "equal" : "DIFFER"} (f0: ${ourSums[0]} vs ${duckSums[0]})`,
);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
console.log(
  `peak RSS: ${mb(rssBefore)} before the cases, ${mb(rssAfterOurs)} after Ballast's first join (before DuckDB ran), ` +
    `${mb(process.resourceUsage().maxRSS)} at the end (DuckDB included)`,
);
if (result.numRows !== duckRows || ourCount !== duckCount || !sumsAgree) {
  throw new Error("Ballast's point-in-time join and DuckDB's ASOF JOIN disagree");
}
await store.close();
