import { OnlineStoreError } from "../online-store-error.js";
import type { OnlineStore } from "../types.js";
import { connectRedis } from "./connect.js";
import type { RedisClientLike } from "./redis-client.js";
import { createRedisOnlineStoreFromClient } from "./redis-online-store.js";
import { parseRedisTarget } from "./redis-url.js";

/** Options of {@link createRedisOnlineStore}: give exactly one of `client`, `url`, `clusterNodes`. */
export interface RedisOnlineStoreOptions {
  /** Your own client (ioredis `Redis` or `Cluster`, or anything shaped like {@link RedisClientLike}); not closed by the store. */
  client?: RedisClientLike;
  /** `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS) or `redis+cluster://[user:password@]h1:p1,h2:p2`. */
  url?: string;
  /** Redis Cluster seed nodes as `host:port` (an array or a comma-separated string). */
  clusterNodes?: readonly string[] | string;
  /** Prefix of every key (default `"ballast:fv:"`); must not contain braces. */
  keyPrefix?: string;
  /** Most entities one write-script call carries (default 200). */
  maxEntitiesPerScript?: number;
}

/**
 * Opens the Redis (or Redis Cluster) online store. Import it from `@ballast/features/redis`, which
 * needs the optional peer `ioredis`. A store built from `url` or `clusterNodes` owns its connection
 * and closes it on `close()`; a passed `client` stays open.
 *
 * @throws OnlineStoreError `ONLINE_STORE_REQUEST_INVALID` (not exactly one target, a bad URL),
 *   `ONLINE_STORE_ERROR` (retryable: Redis unreachable).
 * @example
 * import { createRedisOnlineStore } from "@ballast/features/redis";
 * await using store = await createRedisOnlineStore({ url: "redis://127.0.0.1:6379" });
 * await using cluster = await createRedisOnlineStore({ url: "redis+cluster://10.0.0.1:7000,10.0.0.2:7000" });
 */
export async function createRedisOnlineStore(options: RedisOnlineStoreOptions): Promise<OnlineStore> {
  const given = [options.client, options.url, options.clusterNodes].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new OnlineStoreError(
      "ONLINE_STORE_REQUEST_INVALID",
      `The Redis online store needs exactly one of client, url or clusterNodes; ${given} given.`,
      { hint: 'Pass { url: "redis://host:6379" }, { clusterNodes: ["h1:7000", "h2:7000"] } or { client }.' },
    );
  }
  const shared = {
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    ...(options.maxEntitiesPerScript === undefined
      ? {}
      : { maxEntitiesPerScript: options.maxEntitiesPerScript }),
  };
  if (options.client) return createRedisOnlineStoreFromClient({ client: options.client, ...shared });
  const target =
    options.url !== undefined
      ? parseRedisTarget(options.url)
      : {
          clusterNodes:
            typeof options.clusterNodes === "string"
              ? options.clusterNodes.split(",").filter(Boolean)
              : [...options.clusterNodes!],
        };
  const client = await connectRedis(target);
  try {
    return await createRedisOnlineStoreFromClient({ client, ownsClient: true, ...shared });
  } catch (error) {
    await client.quit().catch(() => undefined);
    throw error;
  }
}
