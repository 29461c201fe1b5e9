import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { BallastError } from "../../errors/index.js";
import { toEventTime } from "../event-time.js";
import { Partitioner, toBytes } from "../partitioner.js";
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
import type { KafkaAdminLike, KafkaClientLike, KafkaMessageLike, KafkaProducerLike } from "./kafka-client.js";
import { KafkaConsumerAdapter } from "./kafka-consumer.js";

/** Settings of the Kafka event stream besides the client. */
export interface KafkaEventStreamSettings {
  /** Shown as the stream's `uri`. */
  uri: string;
  /** Replication factor of created topics (default: the broker's `default.replication.factor`). */
  replicationFactor?: number;
  /** Consumer session timeout, default 10 s: short, so a crashed member's partitions move on soon. */
  sessionTimeoutMs?: number;
  /** Longest wait of a fetch for new records, default 100 ms (latency against broker load). */
  maxWaitTimeMs?: number;
  /** How long `consume` waits to join the group, default 60 s. */
  joinTimeoutMs?: number;
}

// Kafka's default max.message.bytes is 1 MiB per record batch; a produce request stays well below.
const SEND_BYTES = 512 * 1024;

/** The error and its causes, outermost first (kafkajs wraps retried errors). */
function causes(error: unknown): { type?: string; retriable?: boolean; name?: string }[] {
  const chain = [];
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    chain.push(e as { type?: string; retriable?: boolean; name?: string });
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

function streamError(message: string, cause: unknown): BallastError {
  const chain = causes(cause);
  if (chain.some((e) => e.type === "UNKNOWN_TOPIC_OR_PARTITION")) {
    return new BallastError("STREAM_TOPIC_NOT_FOUND", `${message}: the topic does not exist.`, {
      cause,
      hint: "Create it first with stream.createTopic(name, { partitions }).",
    });
  }
  const unreachable = chain.some((e) => e.name === "KafkaJSConnectionError");
  return new BallastError("STREAM_ERROR", `${message}: ${(cause as Error)?.message ?? cause}`, {
    cause,
    // kafkajs gives up with a non-retriable "retries exceeded" around a retriable cause.
    retryable: unreachable || chain.some((e) => e.retriable === true),
    ...(unreachable ? { hint: "Check that the brokers are running and reachable from this host." } : {}),
  });
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The event stream over Apache Kafka. Records go to the partition the shared `Partitioner` picks
 * (so keys land where they would on the embedded log and where Java clients put them), through one
 * idempotent producer with `acks=all`. Consumers are kafkajs consumers in a group; a consumer
 * without a group uses a fresh, never-committed group of its own.
 */
export class KafkaEventStream implements EventStream {
  readonly specificationVersion = "v1";
  readonly uri: string;
  readonly #client: KafkaClientLike;
  readonly #settings: KafkaEventStreamSettings;
  readonly #admin: KafkaAdminLike;
  readonly #producer: KafkaProducerLike;
  readonly #partitioners = new Map<string, Partitioner>();
  readonly #partitionCounts = new Map<string, number>();
  readonly #consumers = new Set<KafkaConsumerAdapter>();
  readonly #disconnect: () => Promise<void>;
  #closed = false;

  private constructor(
    client: KafkaClientLike,
    settings: KafkaEventStreamSettings,
    admin: KafkaAdminLike,
    producer: KafkaProducerLike,
    onClose: () => Promise<void>,
  ) {
    this.#client = client;
    this.#settings = settings;
    this.uri = settings.uri;
    this.#admin = admin;
    this.#producer = producer;
    this.#disconnect = onClose;
  }

  /** Connects the admin client and the producer. */
  static async connect(
    client: KafkaClientLike,
    settings: KafkaEventStreamSettings,
    onClose: () => Promise<void> = async () => {},
  ): Promise<KafkaEventStream> {
    let admin: KafkaAdminLike | undefined;
    let producer: KafkaProducerLike | undefined;
    try {
      admin = client.admin();
      // Idempotent with acks=all: a retried send never duplicates or reorders records.
      producer = client.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await admin.connect();
      await producer.connect();
    } catch (cause) {
      await producer?.disconnect().catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
      throw streamError(`Connecting to Kafka at ${settings.uri} failed`, cause);
    }
    const stream = new KafkaEventStream(client, settings, admin, producer, onClose);
    return stream;
  }

  #assertOpen(): void {
    if (this.#closed) throw new BallastError("RESOURCE_CLOSED", "The event stream is closed.");
  }

  async #partitionCount(topic: string, refresh = false): Promise<number> {
    assertTopicName(topic);
    const known = this.#partitionCounts.get(topic);
    if (known !== undefined && !refresh) return known;
    let metadata: Awaited<ReturnType<KafkaAdminLike["fetchTopicMetadata"]>>;
    try {
      metadata = await this.#admin.fetchTopicMetadata({ topics: [topic] });
    } catch (cause) {
      throw streamError(`Reading the metadata of topic "${topic}" failed`, cause);
    }
    const count = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
    if (count === 0) throw streamError(`Topic "${topic}"`, { type: "UNKNOWN_TOPIC_OR_PARTITION" });
    this.#partitionCounts.set(topic, count);
    return count;
  }

  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<void> {
    this.#assertOpen();
    assertTopicName(name);
    const partitions = options.partitions ?? 1;
    try {
      await this.#admin.createTopics({
        topics: [
          {
            topic: name,
            numPartitions: partitions,
            ...(this.#settings.replicationFactor
              ? { replicationFactor: this.#settings.replicationFactor }
              : {}),
          },
        ],
        waitForLeaders: true,
      });
    } catch (cause) {
      // kafkajs reports "already exists" as false, not as an error; anything thrown is real.
      throw streamError(`Creating topic "${name}" failed`, cause);
    }
    const count = await this.#partitionCount(name, true);
    if (count !== partitions) {
      throw new BallastError(
        "STREAM_ERROR",
        `Topic "${name}" exists with ${count} partitions, not ${partitions}.`,
        {
          hint: "Use the existing partition count; changing it would move keys to other partitions.",
        },
      );
    }
  }

  async describeTopic(name: string): Promise<TopicInfo> {
    this.#assertOpen();
    await this.#partitionCount(name, true);
    try {
      const offsets = await this.#admin.fetchTopicOffsets(name);
      return {
        name,
        partitions: offsets
          .map((o) => ({
            partition: o.partition,
            earliestOffset: Number(o.low),
            highWatermark: Number(o.high),
          }))
          .sort((a, b) => a.partition - b.partition),
      };
    } catch (cause) {
      throw streamError(`Reading the offsets of topic "${name}" failed`, cause);
    }
  }

  async append(
    topic: string,
    records: readonly EventRecordInput[],
    options: AppendOptions = {},
  ): Promise<AppendResult[]> {
    this.#assertOpen();
    options.signal?.throwIfAborted();
    const count = await this.#partitionCount(topic);
    if (records.length === 0) return [];
    const now = Date.now();
    const keys = records.map((record) => (record.key == null ? null : toBytes(record.key)));
    let partitioner = this.#partitioners.get(topic);
    if (!partitioner) {
      partitioner = new Partitioner();
      this.#partitioners.set(topic, partitioner);
    }
    const partitions = partitioner.assign(topic, count, records, keys);
    const results: AppendResult[] = new Array(records.length);
    // Sent in input order, in requests of bounded size; the idempotent producer with one request
    // in flight keeps each partition's order across requests.
    let start = 0;
    while (start < records.length) {
      options.signal?.throwIfAborted();
      const messages: KafkaMessageLike[] = [];
      let bytes = 0;
      let end = start;
      while (end < records.length && (end === start || bytes < SEND_BYTES)) {
        const record = records[end]!;
        const key = keys[end]!;
        const value = toBytes(record.value);
        bytes += value.length + (key?.length ?? 0) + 64;
        const message: KafkaMessageLike = {
          key: key && buffer(key),
          value: buffer(value),
          partition: partitions[end]!,
          timestamp: String(toEventTime(record.timestamp, now)),
        };
        if (record.headers) {
          const headers: Record<string, Buffer> = {};
          for (const [name, v] of Object.entries(record.headers)) headers[name] = buffer(toBytes(v));
          message.headers = headers;
        }
        messages.push(message);
        end++;
      }
      let metadata: Awaited<ReturnType<KafkaProducerLike["send"]>>;
      try {
        metadata = await this.#producer.send({ topic, messages, acks: -1 });
      } catch (cause) {
        throw streamError(`Appending ${messages.length} records to "${topic}" failed`, cause);
      }
      // kafkajs writes one record batch per partition, in message order: offsets count up from
      // each partition's base offset.
      const next = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset ?? m.offset)]));
      for (let i = start; i < end; i++) {
        const partition = partitions[i]!;
        const offset = next.get(partition)!;
        next.set(partition, offset + 1);
        results[i] = { partition, offset };
      }
      start = end;
    }
    return results;
  }

  async consume(options: ConsumeOptions): Promise<EventConsumer> {
    this.#assertOpen();
    const { topic } = options;
    const partitionCount = await this.#partitionCount(topic, true);
    const start = options.start ?? "earliest";
    const groupId = options.group ?? `ballast-reader-${randomUUID()}`;
    // "latest" means the end as of now, decided here rather than when the group first fetches, so
    // that a record appended after `consume` resolves is always read.
    const seeks = new Map<number, string>();
    if (start === "latest") {
      const committed = new Set<number>();
      if (options.group !== undefined) {
        const groupOffsets = await this.#admin.fetchOffsets({ groupId, topics: [topic] });
        for (const p of groupOffsets[0]?.partitions ?? [])
          if (Number(p.offset) >= 0) committed.add(p.partition);
      }
      for (const o of await this.#admin.fetchTopicOffsets(topic)) {
        if (!committed.has(o.partition)) seeks.set(o.partition, o.high);
      }
    } else if (typeof start === "object") {
      for (const [partition, offset] of Object.entries(start)) {
        if (Number(partition) < partitionCount) seeks.set(Number(partition), String(offset));
      }
    }
    const consumer = this.#client.consumer({
      groupId,
      sessionTimeout: this.#settings.sessionTimeoutMs ?? 10_000,
      rebalanceTimeout: this.#settings.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: this.#settings.maxWaitTimeMs ?? 100,
      allowAutoTopicCreation: false,
    });
    const adapter: KafkaConsumerAdapter = new KafkaConsumerAdapter({
      consumer,
      group: options.group,
      autoCommit: options.autoCommit ?? false,
      maxBatchRecords: options.maxBatchRecords ?? 1000,
      signal: options.signal,
      onClose: async () => {
        this.#consumers.delete(adapter);
        await consumer.disconnect();
      },
    });
    this.#consumers.add(adapter);
    try {
      await consumer.connect();
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no group join within ${this.#settings.joinTimeoutMs ?? 60_000} ms`)),
          this.#settings.joinTimeoutMs ?? 60_000,
        );
        const stopCrash = consumer.on(consumer.events.CRASH, (event) => {
          clearTimeout(timer);
          reject((event as { payload?: { error?: unknown } }).payload?.error ?? event);
        });
        const stop = consumer.on(consumer.events.GROUP_JOIN, () => {
          clearTimeout(timer);
          stop();
          stopCrash();
          resolve();
        });
        options.signal?.addEventListener("abort", () => reject(options.signal?.reason), { once: true });
      });
      await consumer.subscribe({ topics: [topic], fromBeginning: start !== "latest" });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: adapter.eachBatch,
      });
      for (const [partition, offset] of seeks) consumer.seek({ topic, partition, offset });
      await joined;
    } catch (cause) {
      await adapter.close().catch(() => undefined);
      if (options.signal?.aborted) {
        throw new BallastError("ABORTED", "Opening the consumer was aborted.", { cause });
      }
      throw streamError(`Starting a consumer of "${topic}" failed`, cause);
    }
    return adapter;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const consumer of [...this.#consumers]) await consumer.close();
    await this.#producer.disconnect();
    await this.#admin.disconnect();
    await this.#disconnect();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
