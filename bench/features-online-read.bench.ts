import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { createEmbeddedOnlineStore } from "../packages/features/src/online-store/embedded/embedded-online-store.js";
import { serializeEntityKey } from "../packages/features/src/online-store/entity-key.js";
import { createRedisOnlineStore } from "../packages/features/src/online-store/redis/create-redis-online-store.js";
import type { OnlineRecord, OnlineStore } from "../packages/features/src/online-store/types.js";
import { runBench } from "./harness.js";
import { percentile } from "./percentiles.js";

// Online reads: 1 entity × 50 features and 100 entities × 50 features per request, sequential
// requests, p50/p99 per request, through OnlineStore.read (pipelined HMGET + decoding to typed values)
// against raw pipelined HMGET of the same keys and fields with ioredis (no decoding), and the
// embedded store. Then materialization-style writes: N entities × 10 features through
// OnlineStore.write in batches against raw pipelined HSET of the same values (no newer-wins check).
//
//   npm run bench -- features-online-read
//   BALLAST_BENCH_ONLINE_REQUESTS=10000 BALLAST_BENCH_ONLINE_WRITE_ENTITIES=200000 npm run bench -- features-online-read
const url = process.env.BALLAST_TEST_REDIS_URL;
const REQUESTS = Number(process.env.BALLAST_BENCH_ONLINE_REQUESTS ?? 100_000);
const REQUESTS_100 = Number(process.env.BALLAST_BENCH_ONLINE_REQUESTS_100 ?? REQUESTS);
const WRITE_ENTITIES = Number(process.env.BALLAST_BENCH_ONLINE_WRITE_ENTITIES ?? 1_000_000);
const WRITE_BATCH = 10_000;
const WRITE_ITERATIONS = Number(process.env.BALLAST_BENCH_ONLINE_WRITE_ITERATIONS ?? 3);
const READ_ENTITIES = 10_000;
const READ_FEATURES = 50;
const WRITE_FEATURES = 10;

if (!url) {
  console.log(
    "features-online-read bench skipped: BALLAST_TEST_REDIS_URL is not set. Start Redis with `npm run services:up`.",
  );
} else {
  const prefix = `bench:${randomUUID().slice(0, 8)}:`;
  const raw = new Redis(url);
  const redis = await createRedisOnlineStore({ url, keyPrefix: prefix });
  const embedded = await createEmbeddedOnlineStore({ path: ":memory:" });
  const key = (id: number) => serializeEntityKey({ driver_id: BigInt(id) }, { driver_id: "int64" });
  const entityKeys = Array.from({ length: READ_ENTITIES }, (_, id) => key(id));

  const readView = "bench_read__v1";
  const readFeatures = Array.from({ length: READ_FEATURES }, (_, f) => ({
    name: `f${f}`,
    type: "float64" as const,
  }));
  const readRecords: OnlineRecord[] = entityKeys.map((entityKey, id) => ({
    entityKey,
    eventTime: 1_700_000_000_000 + id,
    values: readFeatures.map((_, f) => id * 0.37 + f * 1.01),
  }));
  for (let at = 0; at < readRecords.length; at += 1_000) {
    const records = readRecords.slice(at, at + 1_000);
    await redis.write({ view: readView, features: readFeatures, records });
    await embedded.write({ view: readView, features: readFeatures, records });
  }
  const readFields = ["@e", "@c", ...readFeatures.map((f) => f.name)];
  const redisKeys = entityKeys.map((k) => `${prefix}${readView}:{${k}}`);

  type Reader = (from: number, count: number) => Promise<unknown>;
  const storeReader =
    (store: OnlineStore): Reader =>
    (from, count) =>
      store.read([
        { view: readView, features: readFeatures, entityKeys: entityKeys.slice(from, from + count) },
      ]);
  const rawReader: Reader = (from, count) => {
    const pipeline = raw.pipeline();
    for (let k = from; k < from + count; k++) pipeline.hmget(redisKeys[k]!, ...readFields);
    return pipeline.exec();
  };

  /** Sequential requests, the readers taking turns request by request so noise and GC hit all alike. */
  async function latencies(readers: Record<string, Reader>, entities: number, requests: number) {
    const named = Object.entries(readers);
    const samples = named.map((): number[] => []);
    const warm = Math.min(2_000, requests);
    for (const [, read] of named)
      for (let i = 0; i < warm; i++) await read((i * entities) % (READ_ENTITIES - entities), entities);
    for (let i = 0; i < requests; i++) {
      const from = (i * entities) % (READ_ENTITIES - entities);
      for (let r = 0; r < named.length; r++) {
        const start = performance.now();
        await named[r]![1](from, entities);
        samples[r]!.push(performance.now() - start);
      }
    }
    const summary = named.map(([name], r) => ({
      name,
      p50: percentile(samples[r]!, 50),
      p99: percentile(samples[r]!, 99),
    }));
    const base = summary.find((s) => s.name === "raw ioredis HMGET pipeline")!;
    console.log(
      `\nonline read, ${entities} entit${entities === 1 ? "y" : "ies"} × ${READ_FEATURES} float64 features, ${requests} sequential requests`,
    );
    console.log("case                          p50 ms   p99 ms   p50 vs raw  p99 vs raw");
    for (const s of summary) {
      console.log(
        `${s.name.padEnd(30)}${s.p50.toFixed(3).padStart(6)}   ${s.p99.toFixed(3).padStart(6)}   ${(s.p50 / base.p50).toFixed(2).padStart(9)}×  ${(s.p99 / base.p99).toFixed(2).padStart(9)}×`,
      );
    }
    const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
    mkdirSync(resultsDir, { recursive: true });
    const record = {
      bench: "features-online-read",
      at: new Date().toISOString(),
      node: process.version,
      entities,
      features: READ_FEATURES,
      requests,
      results: summary,
    };
    appendFileSync(join(resultsDir, "features-online-read.jsonl"), `${JSON.stringify(record)}\n`);
    return summary;
  }

  try {
    const readers = {
      "raw ioredis HMGET pipeline": rawReader,
      "OnlineStore.read (redis)": storeReader(redis),
      "OnlineStore.read (embedded)": storeReader(embedded),
    };
    await latencies(readers, 1, REQUESTS);
    await latencies(readers, 100, REQUESTS_100);

    // Writes: the same values through both paths, batches of 10,000 entities.
    const writeView = "bench_write__v1";
    const writeFeatures = Array.from({ length: WRITE_FEATURES }, (_, f) => ({
      name: `w${f}`,
      type: "float64" as const,
    }));
    const batches: OnlineRecord[][] = [];
    for (let at = 0; at < WRITE_ENTITIES; at += WRITE_BATCH) {
      const batch: OnlineRecord[] = [];
      for (let id = at; id < Math.min(WRITE_ENTITIES, at + WRITE_BATCH); id++) {
        batch.push({
          entityKey: key(id),
          eventTime: 1_700_000_000_000 + id,
          values: writeFeatures.map((_, f) => id * 0.5 + f),
        });
      }
      batches.push(batch);
    }
    const rawView = "bench_write_raw__v1";
    const rawStart = `${prefix}${rawView}:{`;
    const wipe = async (pattern: string) => {
      let cursor = "0";
      do {
        const [next, keys] = await raw.scan(cursor, "MATCH", pattern, "COUNT", 10_000);
        cursor = next;
        if (keys.length > 0) await raw.unlink(...keys);
      } while (cursor !== "0");
    };
    await runBench({
      name: "features-online-write",
      baseline: "raw ioredis HSET pipeline",
      unit: "rows",
      iterations: WRITE_ITERATIONS,
      params: { url, entities: WRITE_ENTITIES, features: WRITE_FEATURES, batch: WRITE_BATCH },
      cases: [
        {
          name: "raw ioredis HSET pipeline",
          items: WRITE_ENTITIES,
          run: async () => {
            for (const batch of batches) {
              const pipeline = raw.pipeline();
              for (const record of batch) {
                const args: (string | number)[] = ["@e", record.eventTime, "@c", ""];
                for (let f = 0; f < WRITE_FEATURES; f++)
                  args.push(writeFeatures[f]!.name, record.values[f] as number);
                pipeline.hset(`${rawStart}${record.entityKey}}`, ...args);
              }
              await pipeline.exec();
            }
          },
          teardown: () => wipe(`${rawStart}*`),
        },
        {
          name: "OnlineStore.write (redis, newer-wins script)",
          items: WRITE_ENTITIES,
          run: async () => {
            for (const records of batches)
              await redis.write({ view: writeView, features: writeFeatures, records });
          },
          teardown: () => redis.deleteView(writeView),
        },
      ],
    });
  } finally {
    await redis.deleteView(readView);
    await redis.close();
    await embedded.close();
    await raw.quit();
  }
}
