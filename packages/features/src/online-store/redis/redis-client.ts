/**
 * The few commands a pipeline of the Redis online store queues. An ioredis `Pipeline` satisfies it.
 */
export interface RedisPipelineLike {
  hmget(key: string, ...fields: string[]): unknown;
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): unknown;
  eval(script: string, numkeys: number, ...args: (string | number)[]): unknown;
  unlink(...keys: string[]): unknown;
  /** One `[error, reply]` pair per queued command, in order. */
  exec(): Promise<[error: Error | null, reply: unknown][] | null>;
}

/**
 * The part of a Redis client the Redis online store calls, described rather than imported so that
 * you may pass your own configured client. An ioredis `Redis` or `Cluster` satisfies it. A cluster
 * client (`isCluster: true`) must offer `nodes("master")`, and should be created with
 * `enableAutoPipelining: true` so the store's concurrent commands share one round trip per node.
 */
export interface RedisClientLike {
  /** True for a Redis Cluster client. */
  readonly isCluster?: boolean;
  pipeline(): RedisPipelineLike;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  script(subcommand: "LOAD", script: string): Promise<unknown>;
  scan(
    cursor: string,
    patternToken: "MATCH",
    pattern: string,
    countToken: "COUNT",
    count: number,
  ): Promise<[cursor: string, keys: string[]]>;
  unlink(...keys: string[]): Promise<number>;
  /** The master nodes of a cluster (cluster clients only). */
  nodes?(role: "master"): RedisClientLike[];
  quit(): Promise<unknown>;
}
