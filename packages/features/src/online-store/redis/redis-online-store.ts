import { BallastError } from "@ballast/core";
import { OnlineStoreError } from "../online-store-error.js";
import { checkViewRef, closedError, prepareWrite } from "../prepare-write.js";
import type {
  OnlineEntry,
  OnlineReadRequest,
  OnlineReadResult,
  OnlineStore,
  OnlineWriteRequest,
  OnlineWriteResult,
} from "../types.js";
import { encodeValue, type ValueDecoder, valueDecoder } from "../value-codec.js";
import { clusterKeySlot } from "./cluster-slot.js";
import type { RedisClientLike } from "./redis-client.js";
import { checkKeyPrefix, DEFAULT_KEY_PREFIX, viewKeyPattern, viewKeyStart } from "./redis-key.js";
import { WRITE_SCRIPT, WRITE_SCRIPT_SHA } from "./write-script.js";

/** Options of the Redis online store over a client (see `createRedisOnlineStore` for URLs). */
export interface RedisOnlineStoreClientOptions {
  /** The client; a cluster client is recognized by `isCluster`. */
  client: RedisClientLike;
  /** Close the client on `close()` (default false: the caller owns it). */
  ownsClient?: boolean;
  /** Prefix of every key (default `"ballast:fv:"`); must not contain braces. */
  keyPrefix?: string;
  /** Most entities one script call writes (default 200); batches are split into calls of this size. */
  maxEntitiesPerScript?: number;
}

// Bound on the arguments of one script call, to keep each command's buffers modest.
const MAX_SCRIPT_ARGS = 20_000;
const SCAN_COUNT = 1_000;
const TIME_FIELDS = ["@e", "@c"] as const;

function backendError(action: string, cause: unknown): OnlineStoreError {
  return new OnlineStoreError(
    "ONLINE_STORE_ERROR",
    `Redis failed while ${action}: ${(cause as Error)?.message ?? cause}`,
    {
      cause,
      retryable: true,
      hint: "Check that Redis is reachable; writes are idempotent, so retrying is safe.",
    },
  );
}

const isNoScript = (error: unknown) => error instanceof Error && error.message.startsWith("NOSCRIPT");

/** What reading a features list needs, worked out once per list. */
interface ReadPlan {
  fields: string[];
  decoders: ValueDecoder[];
}

/** One script call: its keys and its whole ARGV. */
interface ScriptCall {
  keys: string[];
  args: (string | number)[];
}

class RedisStore implements OnlineStore {
  readonly specificationVersion = "v1" as const;
  readonly kind: "redis" | "redis-cluster";
  private closed = false;
  private readonly client: RedisClientLike;
  private readonly cluster: boolean;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly maxEntitiesPerScript: number;
  private readonly plans = new WeakMap<OnlineReadRequest["features"], ReadPlan>();
  private readonly keyStarts = new Map<string, string>();

  constructor(options: RedisOnlineStoreClientOptions) {
    this.client = options.client;
    this.cluster = options.client.isCluster === true;
    this.kind = this.cluster ? "redis-cluster" : "redis";
    this.ownsClient = options.ownsClient ?? false;
    this.prefix = checkKeyPrefix(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    const max = options.maxEntitiesPerScript ?? 200;
    if (!(Number.isInteger(max) && max > 0)) {
      throw new OnlineStoreError(
        "ONLINE_STORE_REQUEST_INVALID",
        `maxEntitiesPerScript must be a positive integer, got ${max}.`,
        {
          hint: "Leave it unset (200) or pass a positive integer.",
        },
      );
    }
    this.maxEntitiesPerScript = max;
  }

  /** Loads the write script once (on every master of a cluster), so writes can call it by SHA. */
  async loadScript(): Promise<void> {
    const targets = this.cluster ? (this.client.nodes?.("master") ?? []) : [this.client];
    if (this.cluster && targets.length === 0) {
      throw new OnlineStoreError(
        "ONLINE_STORE_REQUEST_INVALID",
        "The cluster client lists no master nodes.",
        {
          hint: 'Pass a connected ioredis Cluster (it offers nodes("master")).',
        },
      );
    }
    try {
      await Promise.all(targets.map((node) => node.script("LOAD", WRITE_SCRIPT)));
    } catch (error) {
      throw backendError("loading the write script", error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw closedError(this.kind);
  }

  async write(request: OnlineWriteRequest): Promise<OnlineWriteResult> {
    this.assertOpen();
    const prepared = prepareWrite(request);
    if (prepared.length === 0) return { written: 0, skippedOlder: 0 };
    const { features } = request;
    const nf = features.length;
    const start = this.keyStart(request.view);
    const header: (string | number)[] = [nf, request.expireAfterMs ?? 0];
    for (const feature of features) header.push(feature.name);
    const perCall = Math.max(1, Math.min(this.maxEntitiesPerScript, Math.floor(MAX_SCRIPT_ARGS / (nf + 2))));

    // Records grouped so each script call touches one slot in a cluster (the entity is the hash
    // tag); without a cluster any keys share a call. Order within a group is kept.
    const groups = new Map<number, number[]>();
    for (let i = 0; i < prepared.length; i++) {
      const group = this.cluster ? clusterKeySlot(`${start}${prepared[i]!.entityKey}}`) : 0;
      let members = groups.get(group);
      if (!members) {
        members = [];
        groups.set(group, members);
      }
      members.push(i);
    }
    const calls: ScriptCall[] = [];
    for (const members of groups.values()) {
      for (let from = 0; from < members.length; from += perCall) {
        const keys: string[] = [];
        const args = header.slice();
        for (const index of members.slice(from, from + perCall)) {
          const record = prepared[index]!;
          keys.push(`${start}${record.entityKey}}`);
          args.push(
            String(record.eventTime),
            record.createdTime === undefined ? "" : String(record.createdTime),
          );
          for (let f = 0; f < nf; f++) args.push(encodeValue(features[f]!.type, record.values[f]!));
        }
        calls.push({ keys, args });
      }
    }
    const written = await this.runScripts(calls);
    return { written, skippedOlder: prepared.length - written };
  }

  /** Runs the script calls in one pipelined round trip; calls that find no cached script rerun with EVAL. */
  private async runScripts(calls: ScriptCall[]): Promise<number> {
    let replies: [Error | null, unknown][];
    try {
      replies = await this.send(calls, "evalsha");
    } catch (error) {
      throw backendError("writing", error);
    }
    let written = 0;
    const retry: ScriptCall[] = [];
    replies.forEach(([error, reply], i) => {
      if (error && isNoScript(error)) retry.push(calls[i]!);
      else if (error) throw backendError("writing", error);
      else written += Number(reply);
    });
    if (retry.length > 0) {
      // The server lost its script cache (restart, failover, SCRIPT FLUSH): EVAL sends the body
      // and caches it again. Rerunning is safe: the script only ever keeps the newest event.
      let again: [Error | null, unknown][];
      try {
        again = await this.send(retry, "eval");
      } catch (error) {
        throw backendError("writing", error);
      }
      for (const [error, reply] of again) {
        if (error) throw backendError("writing", error);
        written += Number(reply);
      }
    }
    return written;
  }

  private async send(calls: ScriptCall[], mode: "evalsha" | "eval"): Promise<[Error | null, unknown][]> {
    const body = mode === "evalsha" ? WRITE_SCRIPT_SHA : WRITE_SCRIPT;
    if (!this.cluster) {
      const pipeline = this.client.pipeline();
      for (const call of calls) pipeline[mode](body, call.keys.length, ...call.keys, ...call.args);
      return (await pipeline.exec()) ?? [];
    }
    // A cluster client routes each call by slot; with auto-pipelining, calls to one node share a
    // round trip, and the nodes are written to in parallel.
    return Promise.all(
      calls.map((call) =>
        this.client[mode](body, call.keys.length, ...call.keys, ...call.args).then(
          (reply): [Error | null, unknown] => [null, reply],
          (error: unknown): [Error | null, unknown] => [
            error instanceof Error ? error : new Error(String(error)),
            null,
          ],
        ),
      ),
    );
  }

  async read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]> {
    this.assertOpen();
    const fieldLists: string[][] = [];
    const keyLists: string[][] = [];
    const decoderLists: ValueDecoder[][] = [];
    let total = 0;
    for (const request of requests) {
      const { fields, decoders } = this.planOf(request);
      decoderLists.push(decoders);
      const start = this.keyStart(request.view);
      const keys: string[] = new Array(request.entityKeys.length);
      for (let k = 0; k < keys.length; k++) keys[k] = `${start}${request.entityKeys[k]}}`;
      fieldLists.push(fields);
      keyLists.push(keys);
      total += keys.length;
    }
    let replies: [Error | null, unknown][] = [];
    if (total > 0) {
      try {
        replies = await this.fetch(keyLists, fieldLists);
      } catch (error) {
        throw backendError("reading", error);
      }
    }
    const results: OnlineReadResult[] = new Array(requests.length);
    let at = 0;
    for (let r = 0; r < requests.length; r++) {
      const decoders = decoderLists[r]!;
      const nf = decoders.length;
      const out: (OnlineEntry | null)[] = new Array(keyLists[r]!.length);
      for (let k = 0; k < out.length; k++) {
        const [error, reply] = replies[at++]!;
        if (error) throw backendError("reading", error);
        const row = reply as (string | null)[];
        const eventText = row[0];
        if (eventText === null || eventText === undefined) {
          out[k] = null;
          continue;
        }
        const values: OnlineEntry["values"] = new Array(nf);
        for (let f = 0; f < nf; f++) values[f] = decoders[f]!(row[f + 2]);
        const createdText = row[1];
        out[k] = createdText
          ? { eventTime: Number(eventText), createdTime: Number(createdText), values }
          : { eventTime: Number(eventText), values };
      }
      results[r] = out;
    }
    return results;
  }

  /**
   * The HMGET fields and value decoders of a request's features. A read plan reuses one features
   * array for every call, so the checked plan is kept per array (weakly, so plans can be dropped).
   */
  private planOf(request: OnlineReadRequest): ReadPlan {
    let plan = this.plans.get(request.features);
    if (plan === undefined) {
      checkViewRef(request);
      const fields: string[] = [TIME_FIELDS[0], TIME_FIELDS[1]];
      for (const feature of request.features) fields.push(feature.name);
      plan = { fields, decoders: request.features.map((feature) => valueDecoder(feature.type)) };
      this.plans.set(request.features, plan);
    } else if (typeof request.view !== "string" || request.view === "") {
      checkViewRef(request);
    }
    return plan;
  }

  /** `viewKeyStart`, remembered for the views seen so far. */
  private keyStart(view: string): string {
    let start = this.keyStarts.get(view);
    if (start === undefined) {
      start = viewKeyStart(this.prefix, view);
      if (this.keyStarts.size < 10_000) this.keyStarts.set(view, start);
    }
    return start;
  }

  private async fetch(keyLists: string[][], fieldLists: string[][]): Promise<[Error | null, unknown][]> {
    if (!this.cluster) {
      const pipeline = this.client.pipeline();
      for (let r = 0; r < keyLists.length; r++) {
        const fields = fieldLists[r]!;
        for (const key of keyLists[r]!) pipeline.hmget(key, ...fields);
      }
      return (await pipeline.exec()) ?? [];
    }
    const pending: Promise<[Error | null, unknown]>[] = [];
    for (let r = 0; r < keyLists.length; r++) {
      const fields = fieldLists[r]!;
      for (const key of keyLists[r]!) {
        pending.push(
          this.client.hmget(key, ...fields).then(
            (reply): [Error | null, unknown] => [null, reply],
            (error: unknown): [Error | null, unknown] => [
              error instanceof Error ? error : new Error(String(error)),
              null,
            ],
          ),
        );
      }
    }
    return Promise.all(pending);
  }

  async deleteView(view: string): Promise<void> {
    this.assertOpen();
    checkViewRef({ view, features: [] });
    const pattern = viewKeyPattern(this.prefix, view);
    const nodes = this.cluster ? (this.client.nodes?.("master") ?? []) : [this.client];
    try {
      await Promise.all(
        nodes.map(async (node) => {
          let cursor = "0";
          do {
            const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
            cursor = next;
            if (keys.length === 0) continue;
            if (!this.cluster) {
              await node.unlink(...keys);
              continue;
            }
            // Keys on one node still span slots, and a multi-key UNLINK must stay in one slot.
            const pipeline = node.pipeline();
            for (const key of keys) pipeline.unlink(key);
            for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
          } while (cursor !== "0");
        }),
      );
    } catch (error) {
      if (BallastError.isInstance(error)) throw error;
      throw backendError(`deleting view "${view}"`, error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.quit().catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The Redis online store over a client you pass: one hash per (view, entity) at
 * `<keyPrefix><view>:{<entity key>}` holding one field per feature plus `@e`/`@c` (event and created
 * time), so a read can fetch any subset of a view's features and a view can gain features without a
 * rewrite. Writes run a Lua script (EVALSHA, loaded once; EVAL when the server lost it) that keeps
 * only the newest event per entity and sets PEXPIRE, many entities per call, all calls of a batch in
 * one pipeline. Reads send one HMGET per view × entity, all in one pipeline. With a cluster client,
 * keys hash-tag on the entity and script calls are grouped by slot.
 *
 * @throws OnlineStoreError `ONLINE_STORE_ERROR` when the script cannot be loaded.
 */
export async function createRedisOnlineStoreFromClient(
  options: RedisOnlineStoreClientOptions,
): Promise<OnlineStore> {
  const store = new RedisStore(options);
  await store.loadScript();
  return store;
}
