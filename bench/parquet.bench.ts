/**
 * Parquet write and read of 1M rows × 10 mixed columns through the local blob store, against DuckDB
 * writing and reading the same rows in the same run.
 *
 * Fairness: DuckDB writes from its own in-memory table with COPY (same codec, same row group size)
 * and reads by materialising every column into a temp table; Ballast writes from an Arrow table and
 * reads back to an Arrow table, through the local blob store, which also hashes (sha256) and fsyncs
 * every object. DuckDB runs on all cores; Ballast on one. A second DuckDB case on one thread is
 * printed for reference. Run: `npx tsx bench/run.ts parquet` (or `npm run bench -- parquet`).
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Bool, Float64, makeVector, Table, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { createLocalBlobStore } from "../packages/core/src/blob-store/local/local-blob-store.js";
import { readParquet } from "../packages/core/src/parquet/read-parquet.js";
import { scanParquet } from "../packages/core/src/parquet/scan-parquet.js";
import { writeParquet } from "../packages/core/src/parquet/write-parquet.js";
import { runBench } from "./harness.js";

// `npx tsx bench/run.ts parquet 50000` runs a smaller size for a quick check.
const ROWS = Number(process.argv[3] ?? 1_000_000);
const ROW_GROUP = 100_000;
const CODEC = "snappy";

/** Deterministic pseudo-random data (LCG), so every run measures the same bytes. */
function makeTable(rows: number): Table {
  let seed = 42;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const categories = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  const id = new BigInt64Array(rows);
  const user = new Int32Array(rows);
  const qty = new Int32Array(rows);
  const score = new Float64Array(rows);
  const ratio = new Float32Array(rows);
  const ts: number[] = new Array(rows);
  const flag: boolean[] = new Array(rows);
  const category: string[] = new Array(rows);
  const text: string[] = new Array(rows);
  const optional: (number | null)[] = new Array(rows);
  const base = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    id[i] = BigInt(i);
    user[i] = Math.floor(next() * 100_000);
    qty[i] = Math.floor(next() * 50);
    score[i] = next() * 1000;
    ratio[i] = next();
    ts[i] = base + i * 1000;
    flag[i] = next() < 0.5;
    category[i] = categories[Math.floor(next() * categories.length)]!;
    text[i] = `user-${Math.floor(next() * 1e6)}`;
    optional[i] = next() < 0.2 ? null : next() * 10;
  }
  return new Table({
    id: makeVector(id),
    user: makeVector(user),
    qty: makeVector(qty),
    score: makeVector(score),
    ratio: makeVector(ratio),
    ts: vectorFromArray(ts, new TimestampMillisecond("UTC")),
    flag: vectorFromArray(flag, new Bool()),
    category: vectorFromArray(category, new Utf8()),
    text: vectorFromArray(text, new Utf8()),
    optional: vectorFromArray(optional, new Float64()),
  });
}

const dir = await mkdtemp(join(tmpdir(), "ballast-bench-parquet-"));
const store = await createLocalBlobStore(join(dir, "store"));
const duckFile = join(dir, "duckdb.parquet");
const table = makeTable(ROWS);

// DuckDB gets the same rows: loaded from a file Ballast wrote (untimed), kept in its memory.
await writeParquet(store, "source.parquet", table, { rowGroupSize: ROW_GROUP, compression: CODEC });
const sourcePath = join(dir, "store", "source.parquet");
const duck = await DuckDBInstance.create(":memory:");
const db = await duck.connect();
await db.run(`CREATE TABLE src AS SELECT * FROM read_parquet('${sourcePath}')`);
const duckCopy = `COPY src TO '${duckFile}' (FORMAT parquet, COMPRESSION ${CODEC}, ROW_GROUP_SIZE ${ROW_GROUP})`;
const duckRead = `CREATE OR REPLACE TEMP TABLE r AS SELECT * FROM read_parquet('${duckFile}')`;
const threads = cpus().length;

const params = {
  rows: ROWS,
  columns: table.numCols,
  rowGroupSize: ROW_GROUP,
  codec: CODEC,
  duckdbThreads: threads,
};

try {
  await runBench({
    name: "parquet-write",
    baseline: "duckdb COPY",
    unit: "rows",
    iterations: 7,
    params,
    cases: [
      {
        name: "ballast writeParquet",
        items: ROWS,
        run: async () => {
          await writeParquet(store, "bench.parquet", table, { rowGroupSize: ROW_GROUP, compression: CODEC });
        },
      },
      {
        name: "duckdb COPY",
        items: ROWS,
        setup: () => db.run(`SET threads=${threads}`).then(() => {}),
        run: () => db.run(duckCopy).then(() => {}),
      },
      {
        name: "duckdb COPY (1 thread)",
        items: ROWS,
        setup: () => db.run("SET threads=1").then(() => {}),
        run: () => db.run(duckCopy).then(() => {}),
        teardown: () => db.run(`SET threads=${threads}`).then(() => {}),
      },
    ],
  });

  await runBench({
    name: "parquet-read",
    baseline: "duckdb read all columns",
    unit: "rows",
    iterations: 7,
    params,
    cases: [
      {
        name: "ballast readParquet",
        items: ROWS,
        run: async () => {
          const back = await readParquet(store, "bench.parquet");
          if (back.numRows !== ROWS) throw new Error(`read ${back.numRows} rows`);
        },
      },
      {
        name: "ballast scanParquet",
        items: ROWS,
        run: async () => {
          let rows = 0;
          for await (const batch of scanParquet(store, "bench.parquet")) rows += batch.numRows;
          if (rows !== ROWS) throw new Error(`scanned ${rows} rows`);
        },
      },
      { name: "duckdb read all columns", items: ROWS, run: () => db.run(duckRead).then(() => {}) },
      {
        name: "duckdb read (1 thread)",
        items: ROWS,
        setup: () => db.run("SET threads=1").then(() => {}),
        run: () => db.run(duckRead).then(() => {}),
        teardown: () => db.run(`SET threads=${threads}`).then(() => {}),
      },
    ],
  });

  // Interoperability, untimed: DuckDB reads what Ballast wrote, and the other way round.
  const ours = join(dir, "store", "bench.parquet");
  const check = await db.runAndReadAll(
    `SELECT count(*), sum(id), count(optional), min(ts)::VARCHAR FROM read_parquet('${ours}')`,
  );
  const expectedIdSum = (BigInt(ROWS) * BigInt(ROWS - 1)) / 2n;
  const expectedOptional = table.getChild("optional")!.length - table.getChild("optional")!.nullCount;
  const [count, idSum, optionalCount, minTs] = check.getRows()[0]!;
  console.log(
    `\ninterop: DuckDB reads Ballast's file: ${count} rows (expected ${ROWS}), sum(id) ${idSum} (expected ${expectedIdSum}), ` +
      `non-null optional ${optionalCount} (expected ${expectedOptional}), min(ts) ${minTs}`,
  );
  if (
    BigInt(String(count)) !== BigInt(ROWS) ||
    BigInt(String(idSum)) !== expectedIdSum ||
    Number(optionalCount) !== expectedOptional
  ) {
    throw new Error("DuckDB read different values from Ballast's file");
  }
  await store.put("duckdb.parquet", createReadStream(duckFile));
  const theirs = await readParquet(store, "duckdb.parquet");
  console.log(
    `interop: Ballast reads DuckDB's file: ${theirs.numRows} rows; ts as ${theirs.schema.fields.find((f) => f.name === "ts")?.type}`,
  );
} finally {
  db.closeSync();
  duck.closeSync();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
