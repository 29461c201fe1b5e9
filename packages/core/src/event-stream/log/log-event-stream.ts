import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BallastError } from "../../errors/index.js";
import { acquireLockFile, describeLockOwner, type HeldLock } from "../../lock/lock-file.js";
import { toEventTime } from "../event-time.js";
import { toBytes } from "../partitioner.js";
import { assertTopicName } from "../topic-name.js";
import type {
  AppendOptions,
  AppendResult,
  ConsumeOptions,
  CreateTopicOptions,
  EventConsumer,
  EventRecordInput,
  EventStream,
  TopicInfo,
} from "../types.js";
import { GroupOffsets } from "./group-offsets.js";
import { LogConsumer } from "./log-consumer.js";
import { PartitionLog } from "./partition-log.js";
import {
  BATCH_HEADER_BYTES,
  batchBytes,
  encodeUnsealedBatch,
  type FrameInput,
  RECORD_FIXED_BYTES,
} from "./record-batch.js";
import { TopicLog } from "./topic-log.js";

/**
 * When appended bytes are forced to the device:
 * - `"always"`: before `append` resolves (an acknowledged append survives a power loss);
 * - `"interval"`: every `fsyncIntervalMs` in the background (a power loss loses at most that window);
 * - `"never"`: left to the operating system.
 * Under every policy an acknowledged append survives a crash of the process: it is in the OS page
 * cache once `append` resolves.
 */
export type FsyncPolicy = "always" | "interval" | "never";

export interface LogEventStreamOptions {
  /** Directory of the log; created when missing. */
  path: string;
  /** Default `"interval"`. */
  fsync?: FsyncPolicy;
  /** Period of the `"interval"` policy, default 1000 ms. */
  fsyncIntervalMs?: number;
  /** A segment file is rolled once it would grow past this size (default 64 MiB). */
  segmentBytes?: number;
  /**
   * Open without the writer lock, to consume (and commit group offsets) while another process
   * appends. Appends and topic creation then fail with `STREAM_ERROR`.
   */
  readOnly?: boolean;
  /** How often a read-only view looks for new records when its consumers are idle (default 200 ms). */
  pollIntervalMs?: number;
}

interface TopicMeta {
  partitions: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const encoder = new TextEncoder();

/** The record itself when it already holds bytes (no allocation), else a converted copy. */
function toFrameInput(record: EventRecordInput, key: Uint8Array | null, now: number): FrameInput {
  const { value, timestamp, headers } = record;
  if (value instanceof Uint8Array && (record.key == null || record.key instanceof Uint8Array) && !headers) {
    if (timestamp === undefined || (typeof timestamp === "number" && Number.isSafeInteger(timestamp))) {
      return record as unknown as FrameInput;
    }
  }
  return {
    key,
    value: toBytes(value),
    timestamp: toEventTime(timestamp, now),
    ...(headers
      ? { headers: Object.entries(headers).map(([name, v]) => [encoder.encode(name), toBytes(v)] as const) }
      : {}),
  };
}

// A keyless call takes one sticky partition however many records it has, so asking the partitioner
// about a single keyless record advances its rotation exactly as the whole call would.
const ONE_KEYLESS = [{}];
const NO_KEY = [null];

/**
 * Frame size of a call whose records can all be framed as they are (value and key already bytes, no
 * headers, a number or no timestamp) and that names no key and no partition, or -1 for any other
 * call. Checked in the same pass as the size is summed: the common call then costs one pass.
 */
function keylessFrameBytes(records: readonly EventRecordInput[]): number {
  let size = BATCH_HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    const { key, value, timestamp, headers, partition } = records[i]!;
    if (key != null || partition !== undefined || headers || !(value instanceof Uint8Array)) return -1;
    if (timestamp !== undefined && !(typeof timestamp === "number" && Number.isSafeInteger(timestamp))) {
      return -1;
    }
    size += RECORD_FIXED_BYTES + value.length;
  }
  return size;
}

function topicNotFound(name: string): BallastError {
  return new BallastError("STREAM_TOPIC_NOT_FOUND", `Topic "${name}" does not exist in the event log.`, {
    hint: "Create it first with stream.createTopic(name, { partitions }).",
  });
}

class LogEventStream implements EventStream {
  readonly specificationVersion = "v1";
  readonly uri: string;
  readonly #root: string;
  readonly #options: LogEventStreamOptions;
  readonly #fsync: FsyncPolicy;
  readonly #offsets: GroupOffsets;
  readonly #topics = new Map<string, Promise<TopicLog>>();
  readonly #consumers = new Set<LogConsumer>();
  readonly #activeGroups = new Set<string>();
  #lock: HeldLock | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #syncError: unknown;
  #closed = false;

  constructor(options: LogEventStreamOptions, lock: HeldLock | undefined) {
    this.#root = resolve(options.path);
    this.uri = `log://${this.#root}`;
    this.#options = options;
    this.#fsync = options.fsync ?? "interval";
    this.#offsets = new GroupOffsets(join(this.#root, "groups"), this.#fsync === "always");
    this.#lock = lock;
    if (this.#fsync === "interval" && !options.readOnly) {
      this.#timer = setInterval(() => void this.#syncAll(), options.fsyncIntervalMs ?? 1000);
      this.#timer.unref();
    }
  }

  async #syncAll(): Promise<void> {
    try {
      for (const topic of this.#topics.values()) {
        for (const partition of (await topic).partitions) await partition.sync();
      }
    } catch (error) {
      // A background sync has no caller to tell; the next append reports it instead.
      this.#syncError ??= error;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new BallastError("RESOURCE_CLOSED", "The event stream is closed.");
  }

  #assertWritable(action: string): void {
    if (this.#options.readOnly) {
      throw new BallastError("STREAM_ERROR", `Cannot ${action}: the event log was opened read-only.`, {
        hint: "Open it without { readOnly: true } (one writer per log directory).",
      });
    }
  }

  #topicDir(name: string): string {
    return join(this.#root, "topics", name);
  }

  async #readMeta(name: string): Promise<TopicMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.#topicDir(name), "topic.json"), "utf8")) as TopicMeta;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  #topic(name: string): Promise<TopicLog> {
    assertTopicName(name);
    let topic = this.#topics.get(name);
    if (!topic) {
      topic = (async () => {
        const meta = await this.#readMeta(name);
        if (!meta) throw topicNotFound(name);
        const writable = !this.#options.readOnly;
        const segmentBytes = this.#options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
        const partitions: PartitionLog[] = [];
        for (let p = 0; p < meta.partitions; p++) {
          partitions.push(
            await PartitionLog.open(join(this.#topicDir(name), String(p)), writable, segmentBytes),
          );
        }
        return new TopicLog(name, partitions);
      })();
      this.#topics.set(name, topic);
      topic.catch(() => this.#topics.delete(name));
    }
    return topic;
  }

  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<void> {
    this.#assertOpen();
    this.#assertWritable("create a topic");
    assertTopicName(name);
    const partitions = options.partitions ?? 1;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new BallastError("STREAM_ERROR", `A topic needs at least one partition, got ${partitions}.`);
    }
    const existing = await this.#readMeta(name);
    if (existing) {
      if (existing.partitions !== partitions) {
        throw new BallastError(
          "STREAM_ERROR",
          `Topic "${name}" exists with ${existing.partitions} partitions, not ${partitions}.`,
          { hint: "Use the existing partition count; changing it would move keys to other partitions." },
        );
      }
      return;
    }
    const dir = this.#topicDir(name);
    await mkdir(dir, { recursive: true });
    // Written aside and renamed, so a crash never leaves a half-written topic.json.
    const temporary = join(dir, `topic.json.${process.pid}.tmp`);
    const file = await open(temporary, "w");
    await file.writeFile(JSON.stringify({ partitions } satisfies TopicMeta));
    await file.datasync();
    await file.close();
    await rename(temporary, join(dir, "topic.json"));
  }

  async describeTopic(name: string): Promise<TopicInfo> {
    this.#assertOpen();
    const topic = await this.#topic(name);
    if (this.#options.readOnly) for (const partition of topic.partitions) await partition.refresh();
    return {
      name,
      partitions: topic.partitions.map((log, partition) => ({
        partition,
        earliestOffset: log.earliestOffset,
        highWatermark: log.highWatermark,
      })),
    };
  }

  async append(
    name: string,
    records: readonly EventRecordInput[],
    options: AppendOptions = {},
  ): Promise<AppendResult[]> {
    this.#assertOpen();
    this.#assertWritable("append");
    options.signal?.throwIfAborted();
    const topic = await this.#topic(name);
    if (records.length === 0) return [];
    const run = topic.appendChain.then(() => this.#append(topic, records, options.signal));
    topic.appendChain = run.catch(() => undefined);
    return run;
  }

  async #append(
    topic: TopicLog,
    records: readonly EventRecordInput[],
    signal: AbortSignal | undefined,
  ): Promise<AppendResult[]> {
    if (this.#syncError !== undefined) {
      const cause = this.#syncError;
      this.#syncError = undefined;
      throw new BallastError("STREAM_ERROR", "A background fsync of the event log failed.", {
        cause,
        hint: "Records appended since the last successful sync may not survive a power loss; check the disk.",
      });
    }
    // Checked again here: the call may have waited behind other appends. Once writing starts it
    // runs to the end, so a partition never holds half of a call's records.
    signal?.throwIfAborted();
    const now = Date.now();
    const results: AppendResult[] = new Array(records.length);
    const keylessBytes = keylessFrameBytes(records);
    let written: Iterable<number>;
    if (keylessBytes >= 0) {
      // The common call: its records are framed as they are, and one sticky partition takes them
      // all, so it needs no key list, partition list or converted copies.
      const partition = topic.partitioner.assign(
        topic.name,
        topic.partitions.length,
        ONE_KEYLESS,
        NO_KEY,
      )[0]!;
      const base = await this.#appendFrame(
        topic,
        partition,
        records as unknown as readonly FrameInput[],
        keylessBytes,
        now,
      );
      for (let i = 0; i < records.length; i++) results[i] = { partition, offset: base + i };
      written = [partition];
    } else {
      const keys: (Uint8Array | null)[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const key = records[i]!.key;
        keys[i] = key == null ? null : toBytes(key);
      }
      const assigned = topic.partitioner.assign(topic.name, topic.partitions.length, records, keys);
      // Usually every record goes to one partition (one key, or a single partition): then the
      // records are framed in place, without index lists.
      const first = assigned[0]!;
      const groups = new Map<number, number[] | undefined>();
      if (assigned.every((partition) => partition === first)) groups.set(first, undefined);
      else {
        for (let i = 0; i < records.length; i++) {
          const indexes = groups.get(assigned[i]!);
          if (indexes) indexes.push(i);
          else groups.set(assigned[i]!, [i]);
        }
      }
      for (const [partition, indexes] of groups) {
        const count = indexes?.length ?? records.length;
        const inputs: FrameInput[] = new Array(count);
        for (let j = 0; j < count; j++) {
          const i = indexes ? indexes[j]! : j;
          inputs[j] = toFrameInput(records[i]!, keys[i]!, now);
        }
        const base = await this.#appendFrame(topic, partition, inputs, batchBytes(inputs), now);
        for (let j = 0; j < count; j++) results[indexes ? indexes[j]! : j] = { partition, offset: base + j };
      }
      written = groups.keys();
    }
    if (this.#fsync === "always") for (const partition of written) await topic.partitions[partition]!.sync();
    topic.notify();
    return results;
  }

  /** Writes one partition's frame of a call and returns the offset of its first record. */
  #appendFrame(
    topic: TopicLog,
    partition: number,
    inputs: readonly FrameInput[],
    size: number,
    now: number,
  ): Promise<number> {
    return topic.partitions[partition]!.append(
      inputs.length,
      size,
      (baseOffset, scratch) => encodeUnsealedBatch(baseOffset, inputs, { now, scratch, size }),
      this.#fsync !== "never",
    );
  }

  async consume(options: ConsumeOptions): Promise<EventConsumer> {
    this.#assertOpen();
    const topic = await this.#topic(options.topic);
    const { group } = options;
    const groupKey = group === undefined ? undefined : `${group}\u0000${options.topic}`;
    if (groupKey !== undefined && this.#activeGroups.has(groupKey)) {
      throw new BallastError(
        "STREAM_ERROR",
        `Group "${group}" already has a consumer of "${options.topic}" on this event log.`,
        { hint: "The embedded log gives a group one consumer per topic; close the first one, or use Kafka." },
      );
    }
    if (this.#options.readOnly) for (const partition of topic.partitions) await partition.refresh();
    const committed = group === undefined ? {} : await this.#offsets.read(group, options.topic);
    const start = options.start ?? "earliest";
    const positions = topic.partitions.map((log, partition) => {
      if (typeof start === "object" && start[partition] !== undefined) return start[partition]!;
      if (committed[partition] !== undefined) return committed[partition]!;
      return start === "latest" ? log.highWatermark : log.earliestOffset;
    });
    if (groupKey !== undefined) this.#activeGroups.add(groupKey);
    const consumer: LogConsumer = new LogConsumer({
      topic,
      group,
      positions,
      maxBatchRecords: options.maxBatchRecords ?? 1000,
      autoCommit: options.autoCommit ?? false,
      signal: options.signal,
      pollMs: this.#options.readOnly ? (this.#options.pollIntervalMs ?? 200) : undefined,
      refresh: async () => {
        for (const partition of topic.partitions) await partition.refresh();
      },
      commit: (offsets) => this.#offsets.commit(group!, options.topic, offsets),
      onClose: () => {
        this.#consumers.delete(consumer);
        if (groupKey !== undefined) this.#activeGroups.delete(groupKey);
      },
    });
    this.#consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const consumer of [...this.#consumers]) await consumer.close();
    for (const topic of this.#topics.values()) {
      const log = await topic.catch(() => undefined);
      if (!log) continue;
      await log.appendChain;
      for (const partition of log.partitions) {
        if (this.#fsync !== "never") await partition.sync();
        await partition.close();
      }
    }
    await this.#lock?.release();
    this.#lock = undefined;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens the embedded event log in a directory: one writer per directory (a `LOCK` file; a second
 * writer gets `STREAM_LOCKED`), any number of read-only views. On open, a torn tail left by a crash
 * is truncated back to the last whole batch. Format: docs/decisions/0002-event-log-format.md.
 *
 * @example
 * await using stream = await createLogEventStream({ path: ".ballast/streams" });
 * await stream.createTopic("predictions", { partitions: 4 });
 * await stream.append("predictions", [{ key: "user-1", value: JSON.stringify(row) }]);
 */
export async function createLogEventStream(options: LogEventStreamOptions): Promise<EventStream> {
  const root = resolve(options.path);
  let lock: HeldLock | undefined;
  if (!options.readOnly) {
    await mkdir(root, { recursive: true });
    lock = await acquireLockFile(join(root, "LOCK"), {
      onHeld: (owner, path) =>
        new BallastError("STREAM_LOCKED", `The event log is locked by ${describeLockOwner(owner)}.`, {
          hint: `Close the other stream, or open this one with { readOnly: true }. If its owner is gone for sure, delete ${path}.`,
          retryable: true,
          details: { path, ...(owner ? { owner } : {}) },
        }),
    });
  }
  return new LogEventStream(options, lock);
}
