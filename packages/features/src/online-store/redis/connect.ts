import { Cluster, Redis } from "ioredis";
import { OnlineStoreError } from "../online-store-error.js";
import type { RedisClientLike } from "./redis-client.js";
import { parseNodes, type RedisConnectTarget } from "./redis-url.js";

/**
 * Connects an ioredis client (a `Cluster` with auto-pipelining for cluster seeds) and waits until it
 * is ready.
 *
 * @throws OnlineStoreError `ONLINE_STORE_ERROR` (retryable) when Redis cannot be reached.
 */
export async function connectRedis(target: RedisConnectTarget): Promise<RedisClientLike> {
  const shown = "url" in target ? target.url.replace(/\/\/[^@/]*@/, "//***@") : target.clusterNodes.join(",");
  if ("url" in target) {
    const client = new Redis(target.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    try {
      await client.connect();
    } catch (cause) {
      client.disconnect();
      throw unreachable(shown, cause);
    }
    return client;
  }
  const nodes = parseNodes(target.clusterNodes, shown);
  const cluster = new Cluster(nodes, {
    lazyConnect: true,
    enableAutoPipelining: true,
    redisOptions: {
      maxRetriesPerRequest: 3,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
    },
  });
  try {
    await cluster.connect();
  } catch (cause) {
    cluster.disconnect();
    throw unreachable(shown, cause);
  }
  return cluster;
}

function unreachable(shown: string, cause: unknown): OnlineStoreError {
  return new OnlineStoreError(
    "ONLINE_STORE_ERROR",
    `Could not connect to Redis at ${shown}: ${(cause as Error)?.message ?? cause}`,
    {
      cause,
      retryable: true,
      hint: "Check that the server is running and the URL (host, port, password) is right.",
    },
  );
}
