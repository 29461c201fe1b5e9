import { randomUUID } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { onlineStoreContract } from "../../src/online-store/contract.js";
import { serializeEntityKey } from "../../src/online-store/entity-key.js";
import { clusterKeySlot } from "../../src/online-store/redis/cluster-slot.js";
import { createRedisOnlineStore } from "../../src/online-store/redis/create-redis-online-store.js";
import type { RedisClientLike, RedisPipelineLike } from "../../src/online-store/redis/redis-client.js";

const redisUrl = serviceUrl("BALLAST_TEST_REDIS_URL", "Redis");
const clusterNodes = serviceUrl("BALLAST_TEST_REDIS_CLUSTER_NODES", "Redis Cluster");
// One prefix per run, so parallel runs on the shared servers never see each other's keys.
const keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
const key = (id: number) => serializeEntityKey({ driver_id: BigInt(id) }, { driver_id: "int64" });
const features = [
  { name: "trips", type: "int64" as const },
  { name: "rating", type: "float64" as const },
];

describe.runIf(redisUrl)("Redis online store", () => {
  const url = redisUrl!;
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(url);
  });
  afterAll(async () => {
    await raw.quit();
  });

  onlineStoreContract("redis", () => createRedisOnlineStore({ url, keyPrefix }));
  onlineStoreContract("redis, one entity per script call, own client", async () =>
    createRedisOnlineStore({ client: new Redis(url), keyPrefix, maxEntitiesPerScript: 1 }),
  );

  it("stores one hash per view and entity, with the documented layout and expiry", async () => {
    await using store = await createRedisOnlineStore({ url, keyPrefix });
    expect(store.kind).toBe("redis");
    const view = `layout_${randomUUID().slice(0, 6)}__v1`;
    await store.write({
      view,
      features,
      expireAfterMs: 60_000,
      records: [{ entityKey: key(1), eventTime: 1_700_000_000_000, createdTime: 5, values: [3n, 4.5] }],
    });
    const redisKey = `${keyPrefix}${view}:{driver_id=i1}`;
    expect(await raw.hgetall(redisKey)).toEqual({
      "@e": "1700000000000",
      "@c": "5",
      trips: "3",
      rating: "4.5",
    });
    const ttl = await raw.pttl(redisKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // A newer write without expiry removes the TTL.
    await store.write({
      view,
      features,
      records: [{ entityKey: key(1), eventTime: 1_700_000_000_001, values: [4n, null] }],
    });
    expect(await raw.pttl(redisKey)).toBe(-1);
    expect(await raw.hgetall(redisKey)).toMatchObject({ "@c": "", trips: "4", rating: "" });
    await store.deleteView(view);
    expect(await raw.exists(redisKey)).toBe(0);
  });

  it("reruns a batch with EVAL when the server answers NOSCRIPT", async () => {
    // The wrapped pipeline asks for a script the server never saw, so the real server answers
    // NOSCRIPT, as after a restart or SCRIPT FLUSH.
    const client = new Redis(url);
    let evalshaCalls = 0;
    const forgetful: RedisClientLike = Object.assign(Object.create(client) as Redis, {
      pipeline(): RedisPipelineLike {
        const pipeline = client.pipeline();
        const evalsha = pipeline.evalsha.bind(pipeline);
        return Object.assign(pipeline, {
          evalsha: (_sha: string, numkeys: number, ...args: (string | number)[]) => {
            evalshaCalls++;
            return evalsha("0".repeat(40), numkeys, ...args);
          },
        }) as unknown as RedisPipelineLike;
      },
    });
    const store = await createRedisOnlineStore({ client: forgetful, keyPrefix, maxEntitiesPerScript: 2 });
    const view = `noscript_${randomUUID().slice(0, 6)}__v1`;
    const records = [1, 2, 3, 4, 5].map((id) => ({
      entityKey: key(id),
      eventTime: 1,
      values: [BigInt(id), id / 2],
    }));
    expect(await store.write({ view, features, records })).toEqual({ written: 5, skippedOlder: 0 });
    expect(evalshaCalls).toBe(3);
    const [read] = await store.read([{ view, features, entityKeys: records.map((r) => r.entityKey) }]);
    expect(read!.map((entry) => entry?.values)).toEqual(records.map((r) => r.values));
    await store.deleteView(view);
    await store.close();
    await client.quit();
  });

  it("fails a read with ONLINE_STORE_ERROR when a key holds another Redis type", async () => {
    await using store = await createRedisOnlineStore({ url, keyPrefix });
    const view = `wrongtype_${randomUUID().slice(0, 6)}__v1`;
    await raw.set(`${keyPrefix}${view}:{${key(1)}}`, "not a hash");
    await expect(store.read([{ view, features, entityKeys: [key(1)] }])).rejects.toMatchObject({
      code: "ONLINE_STORE_ERROR",
      retryable: true,
    });
    await store.deleteView(view);
  });

  it("fails with a retryable ONLINE_STORE_ERROR when nothing listens", async () => {
    // Port 1 (tcpmux) is privileged and unused on the test machines, so the connection is refused.
    await expect(createRedisOnlineStore({ url: "redis://127.0.0.1:1" })).rejects.toMatchObject({
      code: "ONLINE_STORE_ERROR",
      retryable: true,
    });
  });

  it("rejects a bad URL or a brace in the key prefix", async () => {
    await expect(createRedisOnlineStore({ url: "redis+cluster://nohost", keyPrefix })).rejects.toMatchObject({
      code: "ONLINE_STORE_REQUEST_INVALID",
    });
    await expect(createRedisOnlineStore({ url, keyPrefix: "a{b}" })).rejects.toMatchObject({
      code: "ONLINE_STORE_REQUEST_INVALID",
    });
    await expect(createRedisOnlineStore({})).rejects.toMatchObject({ code: "ONLINE_STORE_REQUEST_INVALID" });
  });
});

describe.runIf(clusterNodes)("Redis Cluster online store", () => {
  const url = `redis+cluster://${clusterNodes}`;

  onlineStoreContract("redis cluster", () => createRedisOnlineStore({ url, keyPrefix }));
  onlineStoreContract("redis cluster, seed list, 3 entities per script call", () =>
    createRedisOnlineStore({ clusterNodes: clusterNodes!, keyPrefix, maxEntitiesPerScript: 3 }),
  );

  it("spreads one view's entities over every master, each key in its entity's slot", async () => {
    await using store = await createRedisOnlineStore({ url, keyPrefix });
    expect(store.kind).toBe("redis-cluster");
    const view = `spread_${randomUUID().slice(0, 6)}__v1`;
    const ids = Array.from({ length: 300 }, (_, i) => i);
    await store.write({
      view,
      features,
      records: ids.map((id) => ({ entityKey: key(id), eventTime: 1, values: [1n, 1] })),
    });
    const seeds = clusterNodes!
      .split(",")
      .map((seed) => ({ host: seed.split(":")[0]!, port: Number(seed.split(":")[1]) }));
    const cluster = new Cluster(seeds, { lazyConnect: true });
    await cluster.connect();
    try {
      const masters = cluster.nodes("master");
      const counts = await Promise.all(
        masters.map(async (node) => {
          const found: string[] = [];
          let cursor = "0";
          do {
            const [next, keys] = await node.scan(cursor, "MATCH", `${keyPrefix}${view}:*`, "COUNT", 1000);
            cursor = next;
            found.push(...keys);
          } while (cursor !== "0");
          // The server's slot of each key (CLUSTER KEYSLOT) equals the one the store grouped by.
          for (const k of found.slice(0, 5)) expect(await node.cluster("KEYSLOT", k)).toBe(clusterKeySlot(k));
          return found.length;
        }),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
      expect(counts.every((n) => n > 0)).toBe(true);
    } finally {
      await store.deleteView(view);
      await cluster.quit();
    }
  });
});
