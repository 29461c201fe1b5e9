import type { Clock, Logger, MetadataQueryable } from "@ballast/core";

/**
 * Refreshes `heartbeat_at` of this process's running runs, one statement per tick for all of them, so
 * stale-run recovery elsewhere can tell a live run on another machine from an abandoned one. The timer
 * is unref'd: a heartbeat never keeps a finished program alive. A failed refresh is logged and tried
 * again on the next tick; it only matters once it has failed for several intervals in a row.
 */
export class Heartbeat {
  readonly #runIds = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #beating: Promise<void> | undefined;

  constructor(
    private readonly db: MetadataQueryable,
    private readonly workspaceId: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.#timer = setInterval(() => void this.beat(), intervalMs);
    this.#timer.unref();
  }

  /** Starts refreshing this run. */
  add(runId: string): void {
    this.#runIds.add(runId);
  }

  /** Stops refreshing this run (it ended). */
  remove(runId: string): void {
    this.#runIds.delete(runId);
  }

  /** Refreshes every tracked run now; overlapping ticks share one statement. */
  beat(): Promise<void> {
    if (this.#runIds.size === 0) return Promise.resolve();
    this.#beating ??= this.db
      .query(
        `UPDATE tracking_runs SET heartbeat_at = $3
         WHERE workspace_id = $1 AND id = ANY($2::text[]) AND status = 'running'`,
        [this.workspaceId, [...this.#runIds], new Date(this.clock.now())],
      )
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn({ err: error }, "run heartbeat failed; retrying on the next tick"),
      )
      .finally(() => {
        this.#beating = undefined;
      });
    return this.#beating;
  }

  /** Stops the timer and waits for a refresh in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
  }
}
