// The only entry that loads ioredis (an optional peer): `import ... from "@ballast/features/redis"`.
export {
  createRedisOnlineStore,
  type RedisOnlineStoreOptions,
} from "./online-store/redis/create-redis-online-store.js";
export type { RedisClientLike, RedisPipelineLike } from "./online-store/redis/redis-client.js";
