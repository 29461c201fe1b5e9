import { basename } from "node:path";
import { type BackendUri, BallastError, importPeer, parseBackendUri } from "@ballast/core";
import {
  createEmbeddedOnlineStore,
  type EmbeddedOnlineStoreOptions,
} from "./embedded/embedded-online-store.js";
import type { createRedisOnlineStore, RedisOnlineStoreOptions } from "./redis/create-redis-online-store.js";
import type { OnlineStore } from "./types.js";

/**
 * The published sub-path, imported by name at run time so the root bundle never contains ioredis.
 * Held in a variable so neither TypeScript nor the bundler resolves it at build time.
 */
const REDIS_ENTRY = "@ballast/features/redis";

/** What the Redis sub-path provides to this opener. */
interface RedisEntry {
  createRedisOnlineStore: typeof createRedisOnlineStore;
}

/** Options of {@link openOnlineStore} besides the URI; each applies to its backend only. */
export interface OpenOnlineStoreOptions {
  /** Directory relative `embedded://` paths resolve against (default: the working directory). */
  baseDir?: string;
  /** Embedded store settings (compaction threshold, fsync, clock). */
  embedded?: Omit<EmbeddedOnlineStoreOptions, "path">;
  /** Redis store settings (key prefix, script batch size). */
  redis?: Omit<RedisOnlineStoreOptions, "url" | "client" | "clusterNodes">;
}

const MEMORY = ":memory:";

/**
 * Loads the Redis sub-path, turning a missing `ioredis` into `DEPENDENCY_MISSING`. `load` is
 * replaceable so the mapping can be tested without uninstalling the peer.
 */
export async function loadRedisEntry(
  load: () => Promise<unknown> = () => import(REDIS_ENTRY),
): Promise<RedisEntry> {
  const entry = (await importPeer("ioredis", "The Redis online store", load)) as Partial<RedisEntry>;
  if (typeof entry.createRedisOnlineStore !== "function") {
    throw new BallastError("DEPENDENCY_MISSING", `${REDIS_ENTRY} does not export createRedisOnlineStore.`, {
      hint: "Install matching versions of @ballast/features and rebuild (npm run build).",
    });
  }
  return entry as RedisEntry;
}

/**
 * Opens an online store from a URI (or a URI parsed by core's `parseBackendUri("online", …)`):
 * `embedded://<directory>` (relative to `baseDir`) or `embedded://:memory:` for the embedded store;
 * `redis://host:port[/db]`, `rediss://host:port` and `redis+cluster://h1:p1,h2:p2` for Redis and
 * Redis Cluster. Redis loads `@ballast/features/redis` on demand, so without `ioredis` installed only
 * a Redis URI fails, with `DEPENDENCY_MISSING`.
 *
 * @throws BallastError `URI_SCHEME_UNKNOWN` for another scheme, `DEPENDENCY_MISSING` without ioredis.
 * @example
 * await using online = await openOnlineStore("embedded://.ballast/online");
 * await using redis = await openOnlineStore("redis://127.0.0.1:6379", { redis: { keyPrefix: "prod:" } });
 */
export async function openOnlineStore(
  uri: string | BackendUri,
  options: OpenOnlineStoreOptions = {},
): Promise<OnlineStore> {
  let parsed: BackendUri;
  if (typeof uri === "string") {
    if (/^embedded:\/\/:memory:$/i.test(uri))
      return createEmbeddedOnlineStore({ ...options.embedded, path: MEMORY });
    parsed = parseBackendUri("online", uri, options.baseDir);
  } else {
    if (uri.kind !== "online") {
      throw new BallastError(
        "URI_SCHEME_UNKNOWN",
        `A ${uri.kind} URI (${uri.uri}) cannot open an online store.`,
        {
          hint: "Pass the workspace's online URI: embedded://<dir>, redis://, rediss:// or redis+cluster://.",
        },
      );
    }
    parsed = uri;
  }
  if (parsed.scheme === "embedded") {
    // core resolves every local path, ":memory:" too; that name is never a real store directory.
    const path = parsed.path === undefined || basename(parsed.path) === MEMORY ? MEMORY : parsed.path;
    return createEmbeddedOnlineStore({ ...options.embedded, path });
  }
  const { createRedisOnlineStore: create } = await loadRedisEntry();
  return create({ ...options.redis, url: parsed.uri });
}
