import type { TrackingContext } from "../tracking-context.js";
import { Heartbeat } from "./heartbeat.js";
import type { RunHandle } from "./run.js";

/**
 * The runs a tracker has handed out: the ones this process started are heart-beaten, all of them are
 * flushed on `tracker.close()`. Runs leave the registry when they end.
 */
export class RunRegistry {
  readonly #runs = new Map<string, RunHandle>();
  readonly #heartbeat: Heartbeat;

  constructor(ctx: TrackingContext, heartbeatIntervalMs: number) {
    this.#heartbeat = new Heartbeat(ctx.db, ctx.workspaceId, ctx.clock, ctx.logger, heartbeatIntervalMs);
  }

  /** A live handle for this run id, so two lookups of one run share one metric buffer. */
  get(runId: string): RunHandle | undefined {
    return this.#runs.get(runId);
  }

  /** Tracks a run; `owned` runs (started by this process) also get heartbeats. */
  add(run: RunHandle, owned: boolean): void {
    this.#runs.set(run.id, run);
    if (owned) this.#heartbeat.add(run.id);
  }

  /** Forgets a run that ended. */
  ended(run: RunHandle): void {
    this.#runs.delete(run.id);
    this.#heartbeat.remove(run.id);
  }

  /**
   * Flushes every run's metrics and stops the heartbeat. Runs stay `running` in the database: a
   * closed tracker is not a finished training job.
   *
   * @throws the first flush failure, after every run was attempted.
   */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.#runs.values()].map((run) => run.release()));
    await this.#heartbeat.stop();
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
  }
}
