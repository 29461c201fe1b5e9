/** Bytes or a string (encoded as UTF-8) used as a record key or header value. */
export type EventBytes = Uint8Array | string;

/** One record to append. */
export interface EventRecordInput {
  /**
   * Records with the same key land in the same partition (murmur2, as Kafka's default partitioner)
   * and are read back in append order. Null or absent: see `partition`.
   */
  key?: EventBytes | null;
  /** The payload; strings are encoded as UTF-8. */
  value: EventBytes;
  /** Event time, epoch milliseconds (UTC) or a `Date`; defaults to the time of the append. */
  timestamp?: number | Date;
  headers?: Readonly<Record<string, EventBytes>>;
  /**
   * Explicit partition. When absent: keyed records are hashed; the keyless records of one `append`
   * call all go to one partition, the next call's to the next one (sticky round-robin, as Kafka's
   * sticky partitioner does), so a batch stays one write.
   */
  partition?: number;
}

/** A record as read back. Byte fields are views: copy them if you keep them past the batch. */
export interface EventRecord {
  topic: string;
  partition: number;
  /** Position in the partition; consecutive on the embedded log, increasing on Kafka. */
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array;
  /** Epoch milliseconds (UTC). */
  timestamp: number;
  headers: Record<string, Uint8Array>;
}

/** Where one appended record went. */
export interface AppendResult {
  partition: number;
  offset: number;
}

/** State of one partition. */
export interface PartitionInfo {
  partition: number;
  /** Offset of the first readable record. */
  earliestOffset: number;
  /** Offset the next appended record will get (one past the last record). */
  highWatermark: number;
}

/** A topic and its partitions, in partition order. */
export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
}

/** Records of one partition handed out together, in offset order. */
export interface EventBatch {
  topic: string;
  partition: number;
  /** Never empty. */
  records: EventRecord[];
  /** The partition's high watermark when the batch was read: `highWatermark - lastOffset - 1` is the lag. */
  highWatermark: number;
}

/**
 * Where a consumer starts: the first or the next record of each partition, or explicit offsets per
 * partition (partitions not listed start at the earliest record).
 */
export type StartPosition = "earliest" | "latest" | Readonly<Record<number, number>>;

export interface ConsumeOptions {
  topic: string;
  /**
   * Consumer group. With a group the consumer resumes after the group's last committed offset of
   * each partition, and `start` applies only to partitions the group never committed (an offsets map
   * overrides the committed offsets of the partitions it lists). Without a group nothing is stored.
   */
  group?: string;
  /** Default `"earliest"`. */
  start?: StartPosition;
  /**
   * Commit each batch when the next one is requested, that is after your loop body finished with it.
   * Default false: call `commit(batch)` yourself. A batch abandoned by `break`, a throw or `close()`
   * is never committed, so it is delivered again to the group's next consumer (at-least-once).
   */
  autoCommit?: boolean;
  /** Upper bound on the records of one batch (default 1000). */
  maxBatchRecords?: number;
  /** Aborting closes the consumer; a pending iteration rejects with `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * An async iterable of batches. It reads ahead by at most one batch, so a slow loop body slows the
 * reads instead of filling memory. Iterate it once; leaving the loop (`break`, a throw) closes it.
 *
 * @example
 * await using consumer = await stream.consume({ topic: "predictions", group: "monitor" });
 * for await (const batch of consumer) {
 *   await handle(batch.records);
 *   await consumer.commit(batch);
 * }
 */
export interface EventConsumer extends AsyncIterable<EventBatch> {
  /**
   * Stores, for the batch's partition, the offset after the batch's last record as the group's
   * position. Without a group it does nothing. Make processing idempotent: a crash between
   * processing and commit delivers the batch again.
   */
  commit(batch: EventBatch): Promise<void>;
  /** Stops reading and leaves the group; a pending iteration ends. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CreateTopicOptions {
  /** Default 1. */
  partitions?: number;
}

export interface AppendOptions {
  signal?: AbortSignal;
}

/**
 * Partitioned, append-only topics of records, read in order per partition, with consumer groups
 * storing committed offsets. Implementations: the embedded log (`log://dir`) and Apache Kafka
 * (`kafka://host:9092`); both pass `eventStreamContract` and place keys in the same partitions.
 *
 * Errors: `STREAM_TOPIC_NOT_FOUND` for a topic never created (topics are not created on first
 * write), `STREAM_ERROR` for other failures (`retryable` when a retry may succeed).
 */
export interface EventStream {
  readonly specificationVersion: "v1";
  /** The URI the stream was opened from, e.g. `log:///data/streams`, `kafka://h1:9092,h2:9092`. */
  readonly uri: string;
  /**
   * Creates a topic, or does nothing when it exists with the same partition count. A different
   * count fails with `STREAM_ERROR` (partitions are never added silently: that would move keys).
   */
  createTopic(name: string, options?: CreateTopicOptions): Promise<void>;
  /** Partitions and their offsets. Throws `STREAM_TOPIC_NOT_FOUND`. */
  describeTopic(name: string): Promise<TopicInfo>;
  /**
   * Appends records and returns where each went, in input order. Per partition, a call's records are
   * stored together and in order. When the promise rejects, some partitions may have been written.
   */
  append(
    topic: string,
    records: readonly EventRecordInput[],
    options?: AppendOptions,
  ): Promise<AppendResult[]>;
  /** Opens a consumer, positioned once this resolves (a later append to the topic will be read). */
  consume(options: ConsumeOptions): Promise<EventConsumer>;
  /** Closes consumers and connections. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
