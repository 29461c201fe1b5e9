/**
 * Materialization of 1M entities × 10 float64 features (10M feature values) from Parquet on the
 * local blob store into Redis through `store.materialize`, end to end (scan, latest value per entity,
 * entity keys, newer-wins writes, watermark commits), against raw pipelined `HSET` of the same values
 * with ioredis, already in memory (no Parquet, no newer-wins check). Rows/s count feature values
 * (entities × features); the ratio is the target of issue 5 (>= 0.7× the raw throughput).
 *
 * The source is 10 files, each holding a tenth of the time range (entity i's row is at BASE + i s),
 * and materialize runs with its default chunking (8 chunks).
 *
 * Each iteration writes under a fresh key prefix, removed afterwards with SCAN + UNLINK (the shared
 * Redis is never flushed). The source files are cached under the OS temp dir.
 *
 * Run: `npm run bench -- features-materialize` (needs BALLAST_TEST_REDIS_URL; `npm run services:up`).
 * Smaller: `BALLAST_BENCH_MATERIALIZE_ENTITIES=100000 npm run bench -- features-materialize`.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Int64, makeVector, Table, TimestampMillisecond, type Vector, vectorFromArray } from "apache-arrow";
import { Redis } from "ioredis";
import { createLocalBlobStore } from "../packages/core/src/blob-store/local/local-blob-store.js";
import { createPGliteDatabase } from "../packages/core/src/metadata-db/pglite/pglite-database.js";
import { writeParquet } from "../packages/core/src/parquet/write-parquet.js";
import { defineEntity } from "../packages/features/src/definitions/entity.js";
import { defineFeatureView } from "../packages/features/src/definitions/feature-view.js";
import { parquetSource } from "../packages/features/src/definitions/sources.js";
import { serializeEntityKey } from "../packages/features/src/online-store/entity-key.js";
import { createRedisOnlineStore } from "../packages/features/src/online-store/redis/create-redis-online-store.js";
import type { OnlineStore } from "../packages/features/src/online-store/types.js";
import { type FeatureStore, openFeatureStore } from "../packages/features/src/store/feature-store.js";
import { runBench } from "./harness.js";

const url = process.env.BALLAST_TEST_REDIS_URL;
const ENTITIES = Number(process.env.BALLAST_BENCH_MATERIALIZE_ENTITIES ?? 1_000_000);
const FEATURES = 10;
const FILES = 10;
const ITERATIONS = Number(process.env.BALLAST_BENCH_MATERIALIZE_ITERATIONS ?? 3);
const WRITE_BATCH = 10_000;
const BASE = Date.UTC(2026, 0, 1);
const STEP_MS = 1_000; // entity i's row is at BASE + i s: ~11.6 days for 1M entities
const featureNames = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
const value = (entity: number, feature: number) => ((entity * 31 + feature * 17) % 1000) / 8;

const dataDir = join(tmpdir(), `ballast-bench-materialize-${ENTITIES}-${FEATURES}-v1`);
const doneMarker = join(dataDir, "complete");
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

async function generate(): Promise<void> {
  const store = await createLocalBlobStore(join(dataDir, "store"));
  const perFile = Math.ceil(ENTITIES / FILES);
  for (let file = 0; file < FILES; file++) {
    const from = file * perFile;
    const to = Math.min(ENTITIES, from + perFile);
    const ids = Array.from({ length: to - from }, (_, i) => BigInt(from + i));
    const columns: Record<string, Vector> = {
      driver_id: vectorFromArray(ids, new Int64()),
      event_ts: vectorFromArray(
        ids.map((_, i) => BASE + (from + i) * STEP_MS),
        new TimestampMillisecond("UTC"),
      ),
    };
    for (let f = 0; f < FEATURES; f++) {
      const values = new Float64Array(to - from);
      for (let i = 0; i < values.length; i++) values[i] = value(from + i, f);
      columns[featureNames[f]!] = makeVector(values);
    }
    await writeParquet(store, `source/part-${String(file).padStart(2, "0")}.parquet`, new Table(columns));
  }
  writeFileSync(doneMarker, "ok");
}

if (process.env.BALLAST_BENCH_MATERIALIZE_GENERATE_ONLY === "1") {
  mkdirSync(dataDir, { recursive: true });
  await generate();
} else if (!url) {
  console.log(
    "features-materialize bench skipped: BALLAST_TEST_REDIS_URL is not set. Start Redis with `npm run services:up`.",
  );
} else {
  if (!existsSync(doneMarker)) {
    console.log(`generating ${ENTITIES} source rows × ${FEATURES} features in ${dataDir} ...`);
    // In a child process, so the generator's memory does not count in this process's peak RSS.
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BALLAST_BENCH_MATERIALIZE_GENERATE_ONLY: "1" },
      stdio: "inherit",
    });
    if (child.status !== 0) throw new Error("generating the source files failed");
  }
  const blobs = await createLocalBlobStore(join(dataDir, "store"));
  const metadata = await createPGliteDatabase({});
  const raw = new Redis(url);
  const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });
  const view = defineFeatureView({
    name: "bench_stats",
    entities: [driver],
    schema: Object.fromEntries(featureNames.map((name) => [name, "float64" as const])),
    source: parquetSource({ name: "bench_source", path: "source/", timestampField: "event_ts" }),
  });
  const end = BASE + ENTITIES * STEP_MS;
  const wipe = async (pattern: string) => {
    let cursor = "0";
    do {
      const [next, keys] = await raw.scan(cursor, "MATCH", pattern, "COUNT", 10_000);
      cursor = next;
      if (keys.length > 0) await raw.unlink(...keys);
    } while (cursor !== "0");
  };

  // The baseline's values, in memory before timing: the same keys and fields the store writes.
  const keys = Array.from({ length: ENTITIES }, (_, i) =>
    serializeEntityKey({ driver_id: BigInt(i) }, { driver_id: "int64" }),
  );
  let prefix = "";
  let online: OnlineStore | undefined;
  let store: FeatureStore | undefined;
  let rowsWritten = 0;
  let rssAfterOurs = 0;
  const rssBefore = process.resourceUsage().maxRSS;
  try {
    const results = await runBench({
      name: "features-materialize",
      baseline: "raw ioredis HSET pipeline",
      unit: "rows",
      iterations: ITERATIONS,
      params: { url, entities: ENTITIES, features: FEATURES, files: FILES, writeBatch: WRITE_BATCH },
      cases: [
        {
          name: "raw ioredis HSET pipeline",
          items: ENTITIES * FEATURES,
          setup: () => {
            prefix = `bench-mat:${randomUUID().slice(0, 8)}:`;
          },
          run: async () => {
            for (let at = 0; at < ENTITIES; at += WRITE_BATCH) {
              const pipeline = raw.pipeline();
              for (let i = at; i < Math.min(ENTITIES, at + WRITE_BATCH); i++) {
                const args: (string | number)[] = ["@e", BASE + i * STEP_MS];
                for (let f = 0; f < FEATURES; f++) args.push(featureNames[f]!, value(i, f));
                pipeline.hset(`${prefix}bench_stats__v1:{${keys[i]}}`, ...args);
              }
              await pipeline.exec();
            }
          },
          teardown: () => wipe(`${prefix}*`),
        },
        {
          name: "store.materialize (parquet → redis)",
          items: ENTITIES * FEATURES,
          setup: async () => {
            prefix = `bench-mat:${randomUUID().slice(0, 8)}:`;
            online = await createRedisOnlineStore({ url, keyPrefix: prefix });
            store = await openFeatureStore({
              metadata,
              blobs,
              online,
              workspaceId: `bench-${randomUUID().slice(0, 8)}`,
            });
            await store.apply([view]);
          },
          run: async () => {
            // Default chunking (8 chunks); the time-partitioned files let each chunk read only its files.
            const report = await store!.materialize({ start: BASE, end, writeBatchSize: WRITE_BATCH });
            rowsWritten = report.written;
            rssAfterOurs ||= process.resourceUsage().maxRSS;
          },
          teardown: async () => {
            await store!.close();
            await online!.close();
            await wipe(`${prefix}*`);
          },
        },
      ],
    });
    if (rowsWritten !== ENTITIES)
      throw new Error(`materialize wrote ${rowsWritten} entities, expected ${ENTITIES}`);
    const ours = results.find((r) => r.name.startsWith("store."))!;
    const baseline = results.find((r) => r.name.startsWith("raw"))!;
    console.log(
      `throughput ratio (store.materialize / raw HSET): ${(ours.itemsPerSecond / baseline.itemsPerSecond).toFixed(2)}× (target >= 0.7×); ` +
        `${Math.round(ours.itemsPerSecond / FEATURES).toLocaleString("en-US")} entities/s`,
    );
    console.log(
      `peak RSS: ${mb(rssBefore)} before the cases, ${mb(rssAfterOurs)} after the first materialize, ${mb(process.resourceUsage().maxRSS)} at the end`,
    );
  } finally {
    await raw.quit();
    await metadata.close();
    await blobs.close();
  }
}
