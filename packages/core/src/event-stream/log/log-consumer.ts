import { BallastError } from "../../errors/index.js";
import type { EventBatch, EventConsumer, EventRecord } from "../types.js";
import type { FramedRecord } from "./record-batch.js";
import type { TopicLog } from "./topic-log.js";

const decoder = new TextDecoder();
// Bytes read from disk per partition per batch, besides the record limit.
const READ_BYTES = 1 << 20;

/** What a log consumer needs from its stream. */
export interface LogConsumerSetup {
  topic: TopicLog;
  group: string | undefined;
  /** Next offset to read, per partition. */
  positions: number[];
  maxBatchRecords: number;
  autoCommit: boolean;
  signal: AbortSignal | undefined;
  /** Poll period for read-only views; undefined when appends come from this process. */
  pollMs: number | undefined;
  /** Refreshes the partitions from disk (read-only views). */
  refresh: () => Promise<void>;
  commit: (offsets: Record<number, number>) => Promise<void>;
  onClose: () => void;
}

function toEventRecord(topic: string, partition: number, record: FramedRecord): EventRecord {
  const headers: Record<string, Uint8Array> = {};
  for (const [name, value] of record.headers) headers[decoder.decode(name)] = value;
  return {
    topic,
    partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers,
  };
}

/**
 * Consumer of the embedded log. Reads on demand (one batch per `next()`), visiting partitions
 * round-robin so a busy partition cannot starve the others; waits on the topic's notifier when all
 * are drained.
 */
export class LogConsumer implements EventConsumer, AsyncIterator<EventBatch> {
  readonly #setup: LogConsumerSetup;
  readonly #closed = new AbortController();
  #turn = 0;
  #pending: EventBatch | undefined;
  #commits: Promise<void> = Promise.resolve();

  constructor(setup: LogConsumerSetup) {
    this.#setup = setup;
    setup.signal?.addEventListener("abort", () => void this.close(), { once: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<EventBatch> {
    return this;
  }

  async next(): Promise<IteratorResult<EventBatch>> {
    const setup = this.#setup;
    if (this.#pending && setup.autoCommit && !this.#closed.signal.aborted) await this.commit(this.#pending);
    this.#pending = undefined;
    const count = setup.topic.partitions.length;
    for (;;) {
      if (setup.signal?.aborted) {
        await this.close();
        throw new BallastError("ABORTED", "The consumer was aborted.", { cause: setup.signal.reason });
      }
      if (this.#closed.signal.aborted) return { done: true, value: undefined };
      const seen = setup.topic.version;
      for (let i = 0; i < count; i++) {
        const partition = (this.#turn + i) % count;
        const log = setup.topic.partitions[partition]!;
        const read = await log.read(setup.positions[partition]!, setup.maxBatchRecords, READ_BYTES);
        if (read.records.length === 0) continue;
        this.#turn = partition + 1;
        setup.positions[partition] = read.records.at(-1)!.offset + 1;
        const name = setup.topic.name;
        const batch: EventBatch = {
          topic: name,
          partition,
          records: read.records.map((record) => toEventRecord(name, partition, record)),
          highWatermark: read.highWatermark,
        };
        this.#pending = batch;
        return { done: false, value: batch };
      }
      await setup.topic.changed(seen, this.#closed.signal, setup.pollMs);
      if (setup.pollMs !== undefined && !this.#closed.signal.aborted) await setup.refresh();
    }
  }

  async return(): Promise<IteratorResult<EventBatch>> {
    await this.close();
    return { done: true, value: undefined };
  }

  commit(batch: EventBatch): Promise<void> {
    const group = this.#setup.group;
    if (group === undefined) return Promise.resolve();
    const last = batch.records.at(-1);
    if (!last) return Promise.resolve();
    // Chained so two commits of one consumer land in call order.
    const commit = this.#commits.then(() => this.#setup.commit({ [batch.partition]: last.offset + 1 }));
    this.#commits = commit.catch(() => undefined);
    return commit;
  }

  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    this.#setup.onClose();
    await this.#commits;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
