export { createRedisOnlineStore, type RedisOnlineStoreOptions } from "./create-redis-online-store.js";
export type { RedisClientLike, RedisPipelineLike } from "./redis-client.js";
