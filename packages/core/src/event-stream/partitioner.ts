import { BallastError } from "../errors/index.js";
import type { EventBytes } from "./types.js";

const encoder = new TextEncoder();

/** UTF-8 for strings, the bytes themselves otherwise (no copy). */
export function toBytes(value: EventBytes): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/**
 * Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), in 32-bit integer arithmetic, so
 * a key hashes to the same partition here as in every Kafka client's default partitioner.
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail bytes are mixed in from the highest down, as Java's fall-through switch does.
  const tail = length & 3;
  if (tail >= 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a key: `toPositive(murmur2(key)) % count`. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/**
 * Chooses partitions for one topic: explicit when given, by key hash when keyed, and for keyless
 * records one partition per `append` call, rotating between calls. Both backends use it, so they
 * place records identically.
 */
export class Partitioner {
  #next = 0;

  /** Returns the partition of every record of one append call, validating explicit ones. */
  assign(
    topic: string,
    partitionCount: number,
    records: readonly { key?: EventBytes | null; partition?: number }[],
    keys: readonly (Uint8Array | null)[],
  ): number[] {
    let sticky = -1;
    return records.map((record, index) => {
      if (record.partition !== undefined) {
        if (
          !Number.isInteger(record.partition) ||
          record.partition < 0 ||
          record.partition >= partitionCount
        ) {
          throw new BallastError(
            "STREAM_ERROR",
            `Partition ${record.partition} does not exist in topic "${topic}" (${partitionCount} partitions).`,
            { hint: `Use a partition from 0 to ${partitionCount - 1}, or leave it out.` },
          );
        }
        return record.partition;
      }
      const key = keys[index];
      if (key) return partitionForKey(key, partitionCount);
      if (sticky < 0) {
        sticky = this.#next % partitionCount;
        this.#next = (this.#next + 1) % partitionCount;
      }
      return sticky;
    });
  }
}
