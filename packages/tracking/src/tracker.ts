import { BallastError, type Duration, parseDuration, type Workspace } from "@ballast/core";
import { defineExperiment, type Experiment, type ExperimentOptions, type ParamsOf } from "./experiment.js";
import type { MetricBufferSettings } from "./metrics/metric-buffer.js";
import { loadStoredRun } from "./run/load-run.js";
import type { ParamsSchema } from "./run/param-validator.js";
import { jsonParamValidator } from "./run/param-validator.js";
import { type Run, RunHandle } from "./run/run.js";
import { RunRegistry } from "./run/run-registry.js";
import { type RecoveredRun, recoverStaleRuns } from "./run/stale-run-recovery.js";
import { type SearchRunsOptions, type SearchRunsResult, searchRuns } from "./search/search-runs.js";
import { openTrackingContext, type TrackingBackends, type TrackingContext } from "./tracking-context.js";

/** Options of {@link createTracker}. */
export interface CreateTrackerOptions {
  /**
   * How often this process refreshes the heartbeat of its running runs (default `"30s"`). Recovery
   * treats a run on another machine as dead after 3 intervals without one.
   */
  heartbeatInterval?: Duration;
  /** Silence after which another machine's running run is marked `killed` (default 3 × heartbeatInterval). */
  staleAfter?: Duration;
  /** Capture git, OS, CPU, GPU and package versions at every run start (default true). */
  captureEnvironment?: boolean;
  /** Where git and `package-lock.json` are looked up (default `process.cwd()`). */
  cwd?: string;
  /** Metric buffer tuning, shared by every run of this tracker. */
  metricBuffer?: MetricBufferSettings;
  /** Skip stale-run recovery at creation (default false); for read-only tools. */
  skipRecovery?: boolean;
}

/** The entry point of experiment tracking in one workspace. */
export interface Tracker extends AsyncDisposable {
  /** The migrated backends and tenant this tracker writes to. */
  readonly context: TrackingContext;
  /** Runs that stale-run recovery closed when this tracker was created. */
  readonly recoveredRuns: readonly RecoveredRun[];

  /**
   * Creates the experiment, or reuses the one of that name in this workspace, and returns it typed by
   * its params schema and metric names: its runs' `logParams` only takes the schema's keys and types,
   * `logMetric` only the declared names (both checked again at run time).
   *
   * @throws BallastError `VALIDATION_FAILED` for an empty experiment or metric name.
   * @example
   * const experiment = await tracker.experiment("churn", {
   *   params: z.object({ learningRate: z.number().positive(), epochs: z.number().int() }),
   *   metrics: ["loss", "accuracy"],
   * });
   */
  experiment<
    S extends ParamsSchema | undefined = undefined,
    const M extends readonly string[] = readonly string[],
  >(name: string, options?: ExperimentOptions<S, M>): Promise<Experiment<ParamsOf<S>, M[number]>>;

  /**
   * Opens any run of this workspace by id, untyped: params are checked for immutability but not
   * against a schema; metric names against the experiment's stored list. Use `experiment.getRun` for
   * the typed handle.
   *
   * @throws BallastError `RUN_NOT_FOUND` when the id is not a run of this workspace.
   */
  getRun(runId: string): Promise<Run>;

  /**
   * Searches this workspace's runs with the filter language (see `searchRuns`). Metrics still in a
   * buffer are not visible yet: `flush()` the run first when searching it from the same process.
   *
   * @throws BallastError `FILTER_INVALID`, `ORDER_BY_INVALID`, `CURSOR_INVALID` as `searchRuns`.
   * @example await tracker.searchRuns({ experiment: "churn", filter: "metrics.auc > 0.8", orderBy: ["metrics.auc DESC"] });
   */
  searchRuns(options?: SearchRunsOptions): Promise<SearchRunsResult>;

  /**
   * Flushes the metric buffers of every run handed out and stops the heartbeat. Runs are not ended:
   * end them with `run.end()`; one left running is closed by recovery in a later process. Closing
   * twice is harmless. Does not close the workspace's backends.
   *
   * @throws BallastError `METRIC_FLUSH_FAILED` when a run's points cannot be written (they stay buffered).
   */
  close(): Promise<void>;
}

function isContext(source: Workspace | TrackingBackends | TrackingContext): source is TrackingContext {
  return "db" in source && "workspaceId" in source;
}

/**
 * Opens a tracker on a workspace (or explicit backends, or an opened tracking context): applies the
 * tracking migrations, then closes stale runs — runs left `running` by a process of this machine that
 * no longer exists become `failed`, runs silent for longer than `staleAfter` become `killed`, each with
 * an end time and the tag `ballast.recovered` giving the reason.
 *
 * @throws BallastError `CONFIG_INVALID` for a bad workspace id; `DURATION_INVALID` for a bad interval;
 *   the database's `MIGRATION_FAILED`/`DATABASE_ERROR`.
 * @example
 * await using tracker = await createTracker(workspace);
 * const experiment = await tracker.experiment("churn", { params: Params, metrics: ["loss"] });
 * const run = await experiment.startRun({ params: { learningRate: 0.01 } });
 * run.logMetric("loss", 0.4, { step: 1 });
 * await run.end();
 */
export async function createTracker(
  source: Workspace | TrackingBackends | TrackingContext,
  options: CreateTrackerOptions = {},
): Promise<Tracker> {
  const ctx = isContext(source) ? source : await openTrackingContext(source);
  const heartbeatMs = parseDuration(options.heartbeatInterval ?? "30s");
  if (heartbeatMs < 1) {
    throw new BallastError("CONFIG_INVALID", "heartbeatInterval must be at least 1 ms.", {
      hint: 'Use a duration such as "30s".',
    });
  }
  const staleAfterMs = options.staleAfter === undefined ? 3 * heartbeatMs : parseDuration(options.staleAfter);
  const recoveredRuns = options.skipRecovery
    ? []
    : await recoverStaleRuns(ctx.db, ctx.workspaceId, { staleAfterMs, clock: ctx.clock });
  if (recoveredRuns.length > 0) ctx.logger.info({ runs: recoveredRuns }, "closed stale runs");
  const registry = new RunRegistry(ctx, heartbeatMs);
  const runtime = {
    ctx,
    registry,
    metricBuffer: options.metricBuffer ?? {},
    captureEnvironment: options.captureEnvironment ?? true,
    cwd: options.cwd,
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= registry.close().catch((error: unknown) => {
      closing = undefined;
      throw error;
    });
    return closing;
  };
  return {
    context: ctx,
    recoveredRuns,
    experiment: (name, experimentOptions) => defineExperiment(runtime, name, experimentOptions ?? {}),
    async getRun(runId) {
      const live = registry.get(runId);
      if (live) return live;
      const stored = await loadStoredRun(ctx.db, ctx.workspaceId, runId);
      const run = new RunHandle({
        ctx,
        ...stored,
        metricNames: stored.metricNames.length > 0 ? new Set(stored.metricNames) : null,
        params: jsonParamValidator(`run ${runId}`),
        metricBuffer: runtime.metricBuffer,
        onEnded: (ended) => registry.ended(ended),
      });
      if (run.status === "running") registry.add(run, false);
      return run;
    },
    searchRuns: (searchOptions) => searchRuns(ctx, searchOptions),
    close,
    [Symbol.asyncDispose]: close,
  };
}
