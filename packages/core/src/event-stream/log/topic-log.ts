import { Partitioner } from "../partitioner.js";
import type { PartitionLog } from "./partition-log.js";

/**
 * The open partitions of one topic plus its change notifier: appends in this process bump `version`
 * and wake waiting consumers at once, so no consumer polls the disk while the writer is local.
 */
export class TopicLog {
  readonly partitioner = new Partitioner();
  /** Serializes appends so offsets follow call order. */
  appendChain: Promise<unknown> = Promise.resolve();
  #version = 0;
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly partitions: readonly PartitionLog[],
  ) {}

  get version(): number {
    return this.#version;
  }

  /** Wakes every consumer waiting for new records. */
  notify(): void {
    this.#version++;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /**
   * Resolves once `version` moved past `seen`, `signal` aborts, or after `timeoutMs` (the bounded poll
   * of read-only views, which hear nothing from a writer in another process).
   */
  changed(seen: number, signal: AbortSignal, timeoutMs: number | undefined): Promise<void> {
    if (this.#version !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
  }
}
