/**
 * The event-time watermark of a partitioned input. Each partition is read in order, but partitions
 * are read one batch at a time, so one partition can run ahead of another: a single "largest event
 * time seen" would close windows before the slower partition's records arrive. Instead the watermark
 * is the smallest, over the partitions that still have unread records, of each one's largest event
 * time, minus the allowed lateness (the rule of Flink and Kafka Streams). A partition whose last
 * batch reached its end is idle and does not hold the watermark back; when every partition is idle
 * the watermark is the largest event time seen. Partitions known to hold records but not read yet
 * hold it at −∞ until they deliver, or until {@link markIdle} gives up on them (a consumer group
 * may have committed them to the end). The watermark never goes back.
 *
 * Times passed as `now` are wall-clock milliseconds, used only to tell how long a partition has
 * been silent.
 */
export class PartitionWatermarks {
  readonly #lateness: number;
  readonly #max = new Map<number, number>();
  readonly #pending = new Set<number>();
  /** Wall-clock time of each partition's last delivery (or of when it was expected). */
  readonly #heard = new Map<number, number>();
  #value = Number.NEGATIVE_INFINITY;

  constructor(allowedLateness: number) {
    this.#lateness = allowedLateness;
  }

  /** `partition` holds records not read yet (from the topic's offsets). */
  expect(partition: number, now: number): void {
    if (!this.#pending.has(partition)) this.#heard.set(partition, now);
    this.#pending.add(partition);
  }

  /** A record of `partition` with this event time was read. */
  observe(partition: number, eventTime: number, now: number): void {
    this.#heard.set(partition, now);
    this.#pending.add(partition);
    const max = this.#max.get(partition);
    if (max === undefined || eventTime > max) this.#max.set(partition, eventTime);
  }

  /** A batch of `partition` was processed; `atEnd` when it reached the partition's high watermark. */
  batchDone(partition: number, atEnd: boolean, now: number): void {
    this.#heard.set(partition, now);
    if (atEnd) this.#pending.delete(partition);
    else this.#pending.add(partition);
  }

  /** Treats partitions silent since `before` (wall clock) as idle; returns them. */
  markIdle(before: number): number[] {
    const idle: number[] = [];
    for (const p of this.#pending) {
      if ((this.#heard.get(p) ?? Number.NEGATIVE_INFINITY) < before) {
        this.#pending.delete(p);
        idle.push(p);
      }
    }
    return idle;
  }

  /** True when `partition` holds the watermark back. */
  isPending(partition: number): boolean {
    return this.#pending.has(partition);
  }

  /** The current watermark. */
  get value(): number {
    let candidate: number;
    if (this.#pending.size === 0) {
      candidate = Number.NEGATIVE_INFINITY;
      for (const m of this.#max.values()) if (m > candidate) candidate = m;
    } else {
      candidate = Number.POSITIVE_INFINITY;
      for (const p of this.#pending)
        candidate = Math.min(candidate, this.#max.get(p) ?? Number.NEGATIVE_INFINITY);
    }
    const next = candidate - this.#lateness;
    if (next > this.#value) this.#value = next;
    return this.#value;
  }
}
