import { BallastError } from "../../errors/index.js";
import type { EventBatch, EventConsumer, EventRecord } from "../types.js";
import type {
  KafkaBatchLike,
  KafkaConsumerLike,
  KafkaEachBatchPayloadLike,
  KafkaMessageReadLike,
} from "./kafka-client.js";

// While a batch is with the caller, eachBatch is still running: heartbeat so a slow loop body does
// not cost the group its membership (kafkajs throttles heartbeats to its heartbeatInterval).
const HEARTBEAT_MS = 1000;

interface Handoff {
  batch: EventBatch;
  /** Called once the caller is done with the batch (asked for the next one, or closed). */
  release: () => void;
}

function toBytes(value: Buffer | string | null | undefined): Uint8Array | null {
  if (value == null) return null;
  return typeof value === "string" ? new TextEncoder().encode(value) : value;
}

function toEventRecord(batch: KafkaBatchLike, message: KafkaMessageReadLike): EventRecord {
  const headers: Record<string, Uint8Array> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    const bytes = toBytes(first);
    if (bytes) headers[name] = bytes;
  }
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: Number(message.offset),
    key: toBytes(message.key),
    value: toBytes(message.value) ?? new Uint8Array(0),
    timestamp: Number(message.timestamp),
    headers,
  };
}

/**
 * Turns kafkajs's push-style `eachBatch` into a pull-style async iterable. A fetched batch is cut
 * into pieces of at most `maxBatchRecords`; `eachBatch` hands out one piece at a time and does not
 * return until the caller has finished with the last one, so at most one fetched batch is in
 * memory and a slow caller slows the fetching. Offsets are resolved only for pieces handed out, so
 * a piece never handed out (close, rebalance) is fetched again.
 */
export class KafkaConsumerAdapter implements EventConsumer, AsyncIterator<EventBatch> {
  readonly #consumer: KafkaConsumerLike;
  readonly #group: string | undefined;
  readonly #autoCommit: boolean;
  readonly #maxBatchRecords: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onClose: () => Promise<void>;
  #offered: Handoff | undefined;
  #taken: Handoff | undefined;
  #wakeReader: (() => void) | undefined;
  #crash: unknown;
  /** Releases of eachBatch calls still waiting, run on close. */
  readonly #closedWaiters = new Set<() => void>();
  #closing: Promise<void> | undefined;

  constructor(options: {
    consumer: KafkaConsumerLike;
    group: string | undefined;
    autoCommit: boolean;
    maxBatchRecords: number;
    signal: AbortSignal | undefined;
    onClose: () => Promise<void>;
  }) {
    this.#consumer = options.consumer;
    this.#group = options.group;
    this.#autoCommit = options.autoCommit;
    this.#maxBatchRecords = options.maxBatchRecords;
    this.#signal = options.signal;
    this.#onClose = options.onClose;
    this.#signal?.addEventListener("abort", () => void this.close(), { once: true });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      // kafkajs restarts retriable crashes itself; a final one ends the iteration with the cause.
      const payload = (event as { payload?: { error?: unknown; restart?: boolean } }).payload;
      if (payload?.restart) return;
      this.#crash = payload?.error ?? event;
      this.#wakeReader?.();
    });
  }

  /** The `eachBatch` handler to pass to `consumer.run`. */
  readonly eachBatch = async (payload: KafkaEachBatchPayloadLike): Promise<void> => {
    const { batch } = payload;
    for (let start = 0; start < batch.messages.length; start += this.#maxBatchRecords) {
      if (this.#closing || !payload.isRunning() || payload.isStale()) return;
      const messages = batch.messages.slice(start, start + this.#maxBatchRecords);
      const records = messages.map((message) => toEventRecord(batch, message));
      const done = await this.#offer(
        {
          topic: batch.topic,
          partition: batch.partition,
          records,
          highWatermark: Number(batch.highWatermark),
        },
        payload,
      );
      if (!done) return;
      payload.resolveOffset(messages.at(-1)!.offset);
    }
  };

  /** Hands a batch to the reader; resolves true once the reader is done with it, false on close. */
  #offer(batch: EventBatch, payload: KafkaEachBatchPayloadLike): Promise<boolean> {
    return new Promise((resolve) => {
      let finished = false;
      const heartbeat = setInterval(() => {
        payload.heartbeat().catch(() => {
          // A rebalance started: the batch stays with the caller; its commit may then fail and
          // the batch be redelivered, which at-least-once allows.
          clearInterval(heartbeat);
        });
      }, HEARTBEAT_MS);
      const onClose = () => finish(false);
      const finish = (processed: boolean) => {
        if (finished) return;
        finished = true;
        clearInterval(heartbeat);
        this.#closedWaiters.delete(onClose);
        resolve(processed);
      };
      this.#offered = { batch, release: () => finish(!this.#closing) };
      this.#closedWaiters.add(onClose);
      this.#wakeReader?.();
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<EventBatch> {
    return this;
  }

  async next(): Promise<IteratorResult<EventBatch>> {
    const previous = this.#taken;
    this.#taken = undefined;
    if (previous) {
      if (this.#autoCommit && !this.#closing) await this.commit(previous.batch);
      previous.release();
    }
    for (;;) {
      if (this.#signal?.aborted) {
        await this.close();
        throw new BallastError("ABORTED", "The consumer was aborted.", { cause: this.#signal.reason });
      }
      if (this.#closing) return { done: true, value: undefined };
      if (this.#crash !== undefined) {
        const cause = this.#crash;
        await this.close();
        throw new BallastError("STREAM_ERROR", "The Kafka consumer stopped after an error.", { cause });
      }
      const offered = this.#offered;
      if (offered) {
        this.#offered = undefined;
        this.#taken = offered;
        return { done: false, value: offered.batch };
      }
      await new Promise<void>((resolve) => {
        this.#wakeReader = resolve;
      });
      this.#wakeReader = undefined;
    }
  }

  async return(): Promise<IteratorResult<EventBatch>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async commit(batch: EventBatch): Promise<void> {
    const last = batch.records.at(-1);
    if (this.#group === undefined || !last) return;
    try {
      await this.#consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(last.offset + 1) },
      ]);
    } catch (cause) {
      throw new BallastError(
        "STREAM_ERROR",
        `Committing offset ${last.offset + 1} of ${batch.topic}/${batch.partition} failed.`,
        {
          cause,
          retryable: true,
          hint: "The group probably rebalanced; the batch will be delivered again, so keep processing idempotent.",
        },
      );
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Release a blocked eachBatch first: kafkajs's disconnect waits for it to return.
      for (const finish of this.#closedWaiters) finish();
      this.#closedWaiters.clear();
      this.#wakeReader?.();
      await this.#onClose();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
