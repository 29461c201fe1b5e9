import { BallastError, type Logger, silentLogger } from "@ballast/core";
import { type ExitFlushable, registerExitFlush, unregisterExitFlush } from "./exit-flush.js";
import type { MetricRow } from "./metric-row.js";
import { retryDelayMs } from "./retry-backoff.js";

/**
 * Tuning of the metric buffer. The defaults suit training loops from a few points per second to
 * millions; most programs never set them.
 */
export interface MetricBufferSettings {
  /**
   * Points written per transaction (default 50,000). `insertRows` splits a batch into statements the
   * backend accepts, so this only trades latency against per-transaction overhead.
   */
  batchSize?: number;
  /**
   * Points held in memory before `logMetric` asks the caller to wait (default 200,000, about 20 MB).
   * See {@link MetricBuffer.push} for how the bound is applied.
   */
  maxBuffered?: number;
  /** Longest time a point waits before a background write, in ms (default 1,000). */
  flushIntervalMs?: number;
  /** Consecutive failed writes before `flush()` and waiting loggers get the error (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms (default 100); doubles per failure up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  /** Longest retry delay in ms (default 10,000). */
  maxRetryDelayMs?: number;
}

/** What the buffer needs from its owner. */
export interface MetricBufferOptions extends MetricBufferSettings {
  /** Writes one batch atomically (points and summaries); a rejection leaves nothing written. */
  write: (rows: readonly MetricRow[]) => Promise<void>;
  logger?: Logger;
  /** Named in log lines and errors. */
  label?: string;
}

/**
 * Batch writes kept in flight at once: the next batch's points go in while the previous one commits
 * (bench/tracking-log-metrics.bench.ts on PostgreSQL: 1M points in 5.4 s with one write at a time,
 * 3.3 s with two). writeMetricBatch keeps their effects in logging order.
 */
const WRITES_IN_FLIGHT = 2;

interface Waiter {
  /** `written` count that satisfies this waiter (flush), or 0 for a space waiter. */
  target: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A bounded, background-flushed queue of metric points for one run.
 *
 * `push` is a plain array append. A write starts when a full batch is waiting or when the oldest point
 * has waited `flushIntervalMs`; up to two writes run at once, and `writeMetricBatch` commits them in
 * the order they were logged (a batch whose predecessor failed is rolled back), so the database holds
 * a prefix of the logged points. A failed write puts its points back at the front and is retried with exponential
 * backoff; after `maxAttempts` consecutive failures the error is given to `flush()` callers and to
 * loggers waiting for space, while the points stay buffered and the retries go on.
 *
 * Durability: a clean exit flushes (see `exit-flush.ts`); a crash or `process.exit()` loses at most
 * the points not yet written, that is at most `maxBuffered` plus what a caller logged without waiting.
 */
export class MetricBuffer implements ExitFlushable {
  readonly #write: (rows: readonly MetricRow[]) => Promise<void>;
  readonly #logger: Logger;
  readonly #label: string;
  readonly #batchSize: number;
  readonly #maxBuffered: number;
  readonly #flushIntervalMs: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;

  #pending: MetricRow[] = [];
  /** Points ever pushed, and points durably written: flush waiters compare against these. */
  #pushed = 0;
  #written = 0;
  #writing: Promise<void> | undefined;
  /** Writes started and not yet settled by `#drain`, oldest first. */
  /** Writes started and not yet settled by `#drain`, oldest first; `failed` is set the moment one fails. */
  #inFlight: { batch: MetricRow[]; result: Promise<{ error: unknown } | undefined>; failed: boolean }[] = [];
  #recovering = false;
  #intervalTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #drainAll = false;
  #failures = 0;
  #lastError: unknown;
  #flushWaiters: Waiter[] = [];
  #spaceWaiters: Waiter[] = [];
  #closed = false;
  #registered = false;

  constructor(options: MetricBufferOptions) {
    this.#write = options.write;
    this.#logger = options.logger ?? silentLogger;
    this.#label = options.label ?? "metrics";
    this.#batchSize = positive(options.batchSize, 50_000, "batchSize");
    this.#maxBuffered = Math.max(positive(options.maxBuffered, 200_000, "maxBuffered"), this.#batchSize);
    this.#flushIntervalMs = positive(options.flushIntervalMs, 1_000, "flushIntervalMs");
    this.#maxAttempts = positive(options.maxAttempts, 5, "maxAttempts");
    this.#retryDelayMs = positive(options.retryDelayMs, 100, "retryDelayMs");
    this.#maxRetryDelayMs = positive(options.maxRetryDelayMs, 10_000, "maxRetryDelayMs");
  }

  /** Points accepted but not yet written. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Queues one point. Returns `undefined` while the buffer is under `maxBuffered`; at or over it,
   * returns a promise that resolves once a write has made room again (or rejects with
   * `METRIC_FLUSH_FAILED` when writes keep failing). The point is accepted either way: a caller that
   * awaits the promise keeps memory bounded, one that ignores it trades memory for never waiting. The
   * promise is pre-handled, so ignoring a rejection does not crash the process; the error then
   * surfaces on `flush()`.
   *
   * @throws BallastError `RESOURCE_CLOSED` after `close()`.
   */
  push(row: MetricRow): Promise<void> | undefined {
    if (this.#closed) throw closedError(this.#label);
    // Joined lazily: a buffer that never holds a point (a run loaded only to read) costs the hook nothing.
    if (!this.#registered) {
      this.#registered = true;
      registerExitFlush(this);
    }
    this.#pending.push(row);
    this.#pushed++;
    if (this.#pending.length >= this.#batchSize) this.#pump();
    else this.#armInterval();
    if (this.#buffered() < this.#maxBuffered) return undefined;
    const wait = new Promise<void>((resolve, reject) =>
      this.#spaceWaiters.push({ target: 0, resolve, reject }),
    );
    wait.catch(() => {});
    return wait;
  }

  /**
   * Resolves once every point pushed before the call is written. A call after persistent failures
   * starts a fresh round of `maxAttempts` retries right away.
   *
   * @throws BallastError `METRIC_FLUSH_FAILED` (retryable, cause: the last database error) after
   *   `maxAttempts` consecutive failed writes; the points stay buffered for the next attempt.
   */
  flush(): Promise<void> {
    const target = this.#pushed;
    if (this.#written >= target) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#flushWaiters.push({ target, resolve, reject }));
    // An explicit flush (end(), close(), the exit hook) retries now instead of waiting out the
    // backoff: at exit the unref'd retry timer would never fire and the points would be lost.
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    if (this.#failures >= this.#maxAttempts) this.#failures = 0;
    this.#pump();
    return done;
  }

  /**
   * Flushes, then stops the timers and leaves the exit hook. On failure the buffer stays open, so
   * `close()` (or `flush()`) can be called again.
   *
   * @throws BallastError `METRIC_FLUSH_FAILED` as {@link MetricBuffer.flush}.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#intervalTimer);
    clearTimeout(this.#retryTimer);
    unregisterExitFlush(this);
  }

  /** Part of the exit hook's contract: the process is exiting, so logging is all that is left. */
  onExitFlushFailed(error: unknown): void {
    this.#logger.error(
      { err: error, buffer: this.#label, lostPoints: this.#pending.length },
      "metric points could not be written before exit",
    );
  }

  #armInterval(): void {
    if (this.#intervalTimer || this.#writing || this.#retryTimer) return;
    this.#intervalTimer = setTimeout(() => {
      this.#intervalTimer = undefined;
      this.#drainAll = true;
      this.#pump();
    }, this.#flushIntervalMs);
    // A pending background write must never keep a finished program alive; exit-flush.ts covers that.
    this.#intervalTimer.unref();
  }

  #pump(): void {
    if (this.#retryTimer) return;
    if (this.#writing) {
      // A full batch arrived while a write runs: start it beside, without waiting for the first.
      this.#launch();
      return;
    }
    this.#writing = this.#drain().finally(() => {
      this.#writing = undefined;
      // A write started by `#pump` after the loop had seen no more in flight still needs settling.
      if (this.#inFlight.length > 0) this.#pump();
      else if (this.#pending.length > 0 && !this.#retryTimer) {
        if (this.#shouldWrite()) this.#pump();
        else this.#armInterval();
      }
    });
  }

  #shouldWrite(): boolean {
    return (
      this.#pending.length > 0 &&
      (this.#pending.length >= this.#batchSize || this.#drainAll || this.#flushWaiters.length > 0)
    );
  }

  async #drain(): Promise<void> {
    clearTimeout(this.#intervalTimer);
    this.#intervalTimer = undefined;
    for (;;) {
      this.#launch();
      // The awaited write stays in #inFlight until it settles, so it counts against the limit of
      // writes in flight and against maxBuffered.
      const head = this.#inFlight[0];
      if (!head) break;
      const failed = await head.result;
      this.#inFlight.shift();
      if (failed) {
        // Back at the front, in order: the retry writes exactly what failed, then what came after.
        // writeMetricBatch rolls back a batch whose predecessor failed, so the later one normally
        // comes back too; a write function that let it commit has it counted, not written twice.
        this.#recovering = true;
        const back = [head.batch];
        for (const next of this.#inFlight.splice(0)) {
          if (await next.result) back.push(next.batch);
          else this.#written += next.batch.length;
        }
        this.#recovering = false;
        this.#pending = back.flat().concat(this.#pending);
        this.#onFailure(failed.error);
        return;
      }
      this.#failures = 0;
      this.#written += head.batch.length;
      this.#settleWaiters();
    }
    this.#drainAll = false;
  }

  /** Points counted against `maxBuffered`: the pending ones plus those of every write in flight. */
  #buffered(): number {
    let points = this.#pending.length;
    for (const write of this.#inFlight) points += write.batch.length;
    return points;
  }

  /** Starts batch writes while fewer than WRITES_IN_FLIGHT run; `#drain` settles them in order. */
  #launch(): void {
    // Nothing new starts behind a failed write: it must be retried first, or a later batch could
    // commit ahead of it and leave a gap in what the database holds.
    while (
      !this.#recovering &&
      this.#inFlight.length < WRITES_IN_FLIGHT &&
      !this.#inFlight.some((write) => write.failed) &&
      this.#shouldWrite()
    ) {
      const batch = this.#take();
      const write = {
        batch,
        result: Promise.resolve<{ error: unknown } | undefined>(undefined),
        failed: false,
      };
      write.result = this.#write(batch).then(
        () => undefined,
        (error: unknown) => {
          write.failed = true;
          return { error };
        },
      );
      this.#inFlight.push(write);
    }
  }

  #take(): MetricRow[] {
    if (this.#pending.length <= this.#batchSize) {
      const all = this.#pending;
      this.#pending = [];
      return all;
    }
    const batch = this.#pending.slice(0, this.#batchSize);
    this.#pending = this.#pending.slice(this.#batchSize);
    return batch;
  }

  #settleWaiters(): void {
    if (this.#flushWaiters.length > 0) {
      const still: Waiter[] = [];
      for (const waiter of this.#flushWaiters) {
        if (waiter.target <= this.#written) waiter.resolve();
        else still.push(waiter);
      }
      this.#flushWaiters = still;
    }
    if (this.#buffered() < this.#maxBuffered && this.#spaceWaiters.length > 0) {
      const waiters = this.#spaceWaiters;
      this.#spaceWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  }

  #onFailure(error: unknown): void {
    this.#failures++;
    this.#lastError = error;
    this.#logger.warn(
      { err: error, buffer: this.#label, attempt: this.#failures, pending: this.#pending.length },
      "metric write failed; retrying",
    );
    if (this.#failures >= this.#maxAttempts) {
      const failure = new BallastError(
        "METRIC_FLUSH_FAILED",
        `Writing metric points of ${this.#label} failed ${this.#failures} times in a row; ${this.#pending.length} points are still buffered.`,
        {
          cause: this.#lastError,
          retryable: true,
          hint: "Check the metadata database; call flush() or end() again to retry. The points stay buffered until then.",
          details: { pending: this.#pending.length, attempts: this.#failures },
        },
      );
      const waiters = [...this.#flushWaiters, ...this.#spaceWaiters];
      this.#flushWaiters = [];
      this.#spaceWaiters = [];
      for (const waiter of waiters) waiter.reject(failure);
    }
    const delay = retryDelayMs(this.#failures, this.#retryDelayMs, this.#maxRetryDelayMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#drainAll = true;
      this.#pump();
    }, delay);
    // Background retries never keep a finished program alive, but a caller awaiting flush() (end(),
    // close()) is owed an answer, so then the timer holds the process open.
    if (this.#flushWaiters.length === 0) this.#retryTimer.unref();
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) {
    throw new BallastError(
      "CONFIG_INVALID",
      `Metric buffer setting ${name} must be at least 1, got ${value}.`,
      {
        hint: `Pass a whole number >= 1 for ${name}, or leave it out for the default.`,
      },
    );
  }
  return Math.floor(value);
}

function closedError(label: string): BallastError {
  return new BallastError("RESOURCE_CLOSED", `The metric buffer of ${label} is closed.`, {
    hint: "Log metrics before ending the run.",
  });
}
