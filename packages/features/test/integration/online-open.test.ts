import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { openOnlineStore } from "../../src/online-store/open-online-store.js";

// These go through the published sub-path "@ballast/features/redis" (the built dist), as users do.
const redisUrl = serviceUrl("BALLAST_TEST_REDIS_URL", "Redis");
const clusterNodes = serviceUrl("BALLAST_TEST_REDIS_CLUSTER_NODES", "Redis Cluster");
const features = [{ name: "x", type: "int64" as const }];

async function roundTrip(uri: string, kind: string): Promise<void> {
  const keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
  await using store = await openOnlineStore(uri, { redis: { keyPrefix } });
  expect(store.kind).toBe(kind);
  const view = "open__v1";
  await store.write({ view, features, records: [{ entityKey: "id=i1", eventTime: 3, values: [42n] }] });
  expect(await store.read([{ view, features, entityKeys: ["id=i1", "id=i2"] }])).toEqual([
    [{ eventTime: 3, values: [42n] }, null],
  ]);
  await store.deleteView(view);
}

describe("openOnlineStore with Redis URIs", () => {
  it.runIf(redisUrl)("opens redis:// through @ballast/features/redis", () => roundTrip(redisUrl!, "redis"));
  it.runIf(clusterNodes)("opens redis+cluster:// through @ballast/features/redis", () =>
    roundTrip(`redis+cluster://${clusterNodes}`, "redis-cluster"),
  );
});
