import { BallastError, type Clock } from "@ballast/core";
import type { ArtifactEntry } from "../artifacts/artifact-entry.js";
import type { ArtifactSource } from "../artifacts/artifact-source.js";
import { type LogArtifactOptions, logArtifact } from "../artifacts/log-artifact.js";
import type { DatasetRecord } from "../datasets/dataset-record.js";
import type { DatasetInput } from "../datasets/dataset-source.js";
import { type LogDatasetOptions, logDataset } from "../datasets/log-dataset.js";
import type { SeedValue } from "../environment/run-environment.js";
import { SYSTEM_METRIC_PREFIX, type SystemMetricsSampler } from "../environment/system-metrics.js";
import { MetricBuffer, type MetricBufferSettings } from "../metrics/metric-buffer.js";
import { writeMetricBatch } from "../metrics/write-metric-batch.js";
import type { TrackingContext } from "../tracking-context.js";
import { endRunRow } from "./lifecycle.js";
import { writeNotes } from "./notes.js";
import type { ParamValidator } from "./param-validator.js";
import { writeParams } from "./params.js";
import { runEndedError } from "./run-errors.js";
import { type EndStatus, isEndStatus, type RunStatus } from "./run-status.js";
import { normalizeSeed, writeSeeds } from "./seeds.js";
import { writeTags } from "./tags.js";

/** Options of {@link Run.logMetric} and {@link Run.logMetrics}. */
export interface LogMetricOptions {
  /**
   * Training step (a whole number). Default: one more than the last step logged for this metric in
   * this run object, starting at 0.
   */
  step?: number;
  /** When the value was measured: a `Date` or epoch ms (default: the tracker's clock, now). */
  timestamp?: Date | number;
}

/**
 * One tracked run, typed by its experiment: `Params` is the input type of the params schema and
 * `MetricName` the union of declared metric names.
 *
 * Metric logging is buffered (see {@link Run.logMetric}); every other method writes at once.
 */
export interface Run<
  Params extends Record<string, unknown> = Record<string, unknown>,
  MetricName extends string = string,
> {
  readonly id: string;
  readonly name: string;
  readonly experimentId: string;
  readonly workspaceId: string;
  /** Id of the parent run for a nested run, else null. */
  readonly parentRunId: string | null;
  readonly startTime: Date;
  /** Status as this object knows it: `running` until `end()` (or as loaded by `getRun`). */
  readonly status: RunStatus;
  /** End time once ended, else null. */
  readonly endTime: Date | null;

  /**
   * Logs params. Only keys of the experiment's schema with values of its types compile; at run time
   * the values are parsed with the schema and the parsed values are stored. Params are immutable.
   *
   * @throws BallastError `PARAM_INVALID` (details.issues: zod's issues) when the schema rejects a
   *   value or key; `PARAM_CONFLICT` when a key was logged before with another value (the same value
   *   is a no-op); `RUN_ENDED` after `end()`. Nothing is stored when it throws.
   * @example await run.logParams({ learningRate: 0.01 });
   */
  logParams(params: Partial<Params>): Promise<void>;

  /**
   * Queues one metric point; returns at once (an array append). Points are written in the background
   * in batches, and on `flush()`, `end()`, `tracker.close()` and a clean process exit.
   *
   * Backpressure: while fewer than `maxBuffered` points (default 200,000) are waiting, the result is
   * `undefined`. At the limit it is a promise that resolves once there is room: `await` it (or call
   * `await run.flush()` now and then) to keep memory bounded; a caller that ignores it keeps logging
   * into memory. A crash or a hard `process.exit()` loses the points not yet written.
   *
   * @throws BallastError `METRIC_UNKNOWN` for a name the experiment did not declare (a compile error
   *   for typed callers); `METRIC_INVALID` for a value that is not a number or a step that is not a
   *   whole number; `RUN_ENDED` after `end()`.
   * @example run.logMetric("loss", 0.31, { step: epoch });
   */
  logMetric(name: MetricName, value: number, options?: LogMetricOptions): Promise<void> | undefined;

  /**
   * Queues one point per entry, all with the same step and timestamp. Returns as `logMetric`.
   *
   * @example run.logMetrics({ loss: 0.31, accuracy: 0.9 }, { step: epoch });
   */
  logMetrics(
    values: Partial<Record<MetricName, number>>,
    options?: LogMetricOptions,
  ): Promise<void> | undefined;

  /**
   * Sets a tag, replacing an earlier value. Keys starting with `ballast.` are used by the library
   * (for example `ballast.recovered`).
   *
   * @throws BallastError `RUN_ENDED` after `end()`.
   */
  setTag(key: string, value: string): Promise<void>;

  /** Sets several tags in one statement, replacing earlier values. */
  setTags(tags: Readonly<Record<string, string>>): Promise<void>;

  /** Replaces the run's notes (free text); `null` clears them. */
  setNotes(notes: string | null): Promise<void>;

  /**
   * Records a random seed in the run's environment (`environment.seeds`), so the run can be repeated.
   * Bigints are stored as decimal strings.
   *
   * @example await run.registerSeed("shuffle", 42);
   */
  registerSeed(name: string, value: number | bigint | string): Promise<void>;

  /**
   * Logs a file, directory, bytes, text or stream as artifacts of this run, stored by content digest
   * in the workspace's blob store (see `logArtifact`).
   *
   * @throws BallastError `RUN_ENDED` after `end()`; the errors of `logArtifact` (`ARTIFACT_CONFLICT`, ...).
   * @example await run.logArtifact("out/model.onnx");
   */
  logArtifact(source: ArtifactSource, options?: LogArtifactOptions): Promise<ArtifactEntry[]>;

  /**
   * Records a dataset this run consumed: digest, schema, row count, source and profile (see `logDataset`).
   *
   * @throws BallastError `RUN_ENDED` after `end()`; the errors of `logDataset` (`DATASET_INVALID`, ...).
   * @example await run.logDataset(table, { name: "churn-train" });
   */
  logDataset(dataset: DatasetInput, options: LogDatasetOptions): Promise<DatasetRecord>;

  /**
   * Writes every metric point logged so far.
   *
   * @throws BallastError `METRIC_FLUSH_FAILED` (retryable) when writes keep failing; the points stay
   *   buffered, so calling `flush()` again retries.
   */
  flush(): Promise<void>;

  /**
   * Ends the run: stops system metrics, flushes the metric buffer, then sets the status and end time.
   * Ending again with the same status is a no-op; with another status it fails.
   *
   * @param status `finished` (default), `failed` or `killed`.
   * @throws BallastError `METRIC_FLUSH_FAILED` when the points cannot be written: the run then stays
   *   `running` with its points buffered, and `end()` can be retried. `RUN_STATUS_CONFLICT` when the
   *   run already ended with another status.
   * @example
   * try { train(run); await run.end(); } catch (error) { await run.end("failed"); throw error; }
   */
  end(status?: EndStatus): Promise<void>;
}

/** Everything a run handle needs besides its row. */
export interface RunInit {
  ctx: TrackingContext;
  id: string;
  name: string;
  experimentId: string;
  parentRunId: string | null;
  startTime: Date;
  status: RunStatus;
  endTime: Date | null;
  /** Declared metric names, or null to accept any name. */
  metricNames: ReadonlySet<string> | null;
  params: ParamValidator;
  metricBuffer: MetricBufferSettings;
  /** Called once the run has ended, so the tracker stops its heartbeat and forgets it. */
  onEnded: (run: RunHandle) => void;
}

/** The implementation of {@link Run}; constructed by experiments and `tracker.getRun`. */
export class RunHandle implements Run<Record<string, unknown>, string> {
  readonly id: string;
  readonly name: string;
  readonly experimentId: string;
  readonly workspaceId: string;
  readonly parentRunId: string | null;
  readonly startTime: Date;
  readonly #ctx: TrackingContext;
  readonly #metricNames: ReadonlySet<string> | null;
  readonly #params: ParamValidator;
  readonly #buffer: MetricBuffer;
  readonly #onEnded: (run: RunHandle) => void;
  /** Last step per metric key, for the default step. */
  readonly #lastStep = new Map<string, number>();
  #status: RunStatus;
  #endTime: Date | null;
  #ending: Promise<void> | undefined;
  #sampler: SystemMetricsSampler | undefined;

  constructor(init: RunInit) {
    this.id = init.id;
    this.name = init.name;
    this.experimentId = init.experimentId;
    this.workspaceId = init.ctx.workspaceId;
    this.parentRunId = init.parentRunId;
    this.startTime = init.startTime;
    this.#ctx = init.ctx;
    this.#metricNames = init.metricNames;
    this.#params = init.params;
    this.#status = init.status;
    this.#endTime = init.endTime;
    this.#onEnded = init.onEnded;
    const db = init.ctx.db;
    this.#buffer = new MetricBuffer({
      ...init.metricBuffer,
      write: (rows) => writeMetricBatch(db, rows),
      logger: init.ctx.logger,
      label: `run ${init.id}`,
    });
  }

  get status(): RunStatus {
    return this.#status;
  }

  get endTime(): Date | null {
    return this.#endTime;
  }

  /** Points waiting to be written (for diagnostics and tests). */
  get pendingMetricCount(): number {
    return this.#buffer.pendingCount;
  }

  /** Takes ownership of a system-metrics sampler, stopped when the run ends. */
  attachSampler(sampler: SystemMetricsSampler): void {
    this.#sampler = sampler;
  }

  async logParams(params: Partial<Record<string, unknown>>): Promise<void> {
    this.#assertRunning("log params");
    const values = this.#params.partial(params);
    await writeParams(this.#ctx.db, this.workspaceId, this.id, values);
  }

  logMetric(name: string, value: number, options?: LogMetricOptions): Promise<void> | undefined {
    this.#assertRunning("log metrics");
    if (this.#metricNames !== null && !this.#metricNames.has(name)) throw this.#unknownMetric(name);
    return this.#push(name, value, options?.step, timestampOf(options?.timestamp, this.#ctx.clock));
  }

  logMetrics(values: Partial<Record<string, number>>, options?: LogMetricOptions): Promise<void> | undefined {
    this.#assertRunning("log metrics");
    const entries = Object.entries(values);
    if (this.#metricNames !== null) {
      for (const [name] of entries) if (!this.#metricNames.has(name)) throw this.#unknownMetric(name);
    }
    const timestamp = timestampOf(options?.timestamp, this.#ctx.clock);
    let wait: Promise<void> | undefined;
    for (const [name, value] of entries) {
      if (value === undefined) continue;
      wait = this.#push(name, value, options?.step, timestamp) ?? wait;
    }
    return wait;
  }

  /** Logs a system metric (`system/...`), which bypasses the declared names. */
  logSystemMetrics(sample: Readonly<Record<string, number>>): void {
    if (this.#status !== "running") return;
    const timestamp = this.#ctx.clock.now();
    for (const [name, value] of Object.entries(sample)) {
      if (name.startsWith(SYSTEM_METRIC_PREFIX)) void this.#push(name, value, undefined, timestamp);
    }
  }

  async setTag(key: string, value: string): Promise<void> {
    await this.setTags({ [key]: value });
  }

  async setTags(tags: Readonly<Record<string, string>>): Promise<void> {
    this.#assertRunning("set tags");
    for (const [key, value] of Object.entries(tags)) {
      if (typeof value !== "string" || key.length === 0) {
        throw new BallastError(
          "TAG_INVALID",
          `Tag ${JSON.stringify(key)} of run ${this.id} must be a non-empty key with a string value.`,
          {
            hint: "Convert values with String(value) before setting them as tags.",
            details: { key, received: typeof value },
          },
        );
      }
    }
    await writeTags(this.#ctx.db, this.workspaceId, this.id, tags);
  }

  async setNotes(notes: string | null): Promise<void> {
    this.#assertRunning("set notes");
    await writeNotes(this.#ctx.db, this.workspaceId, this.id, notes);
  }

  async registerSeed(name: string, value: number | bigint | string): Promise<void> {
    this.#assertRunning("register a seed");
    await this.registerSeeds({ [name]: normalizeSeed(value) });
  }

  /** Records several seeds at once (used by `startRun({ seeds })`). */
  async registerSeeds(seeds: Readonly<Record<string, SeedValue>>): Promise<void> {
    if (Object.keys(seeds).length === 0) return;
    await writeSeeds(this.#ctx.db, this.workspaceId, this.id, seeds);
  }

  async logArtifact(source: ArtifactSource, options: LogArtifactOptions = {}): Promise<ArtifactEntry[]> {
    this.#assertRunning("log artifacts");
    return logArtifact(this.#ctx, this.id, source, options);
  }

  async logDataset(dataset: DatasetInput, options: LogDatasetOptions): Promise<DatasetRecord> {
    this.#assertRunning("log datasets");
    return logDataset(this.#ctx, this.id, dataset, options);
  }

  flush(): Promise<void> {
    return this.#buffer.flush();
  }

  end(status: EndStatus = "finished"): Promise<void> {
    if (!isEndStatus(status)) {
      throw new BallastError("VALIDATION_FAILED", `Unknown run status ${JSON.stringify(status)}.`, {
        hint: 'End a run as "finished", "failed" or "killed".',
      });
    }
    if (this.#status !== "running") {
      if (this.#status === status) return Promise.resolve();
      return Promise.reject(
        new BallastError(
          "RUN_STATUS_CONFLICT",
          `Run ${this.id} already ended as ${this.#status}; it cannot also end as ${status}.`,
          {
            hint: "Call run.end() once per run; repeating the same status is allowed.",
            details: { runId: this.id, current: this.#status, requested: status },
          },
        ),
      );
    }
    // Two overlapping end() calls share one attempt; a failed attempt is forgotten so it can be retried.
    this.#ending ??= this.#end(status).finally(() => {
      this.#ending = undefined;
    });
    return this.#ending;
  }

  /** Flushes and releases the buffer without ending the run (tracker close). */
  async release(): Promise<void> {
    this.#sampler?.stop();
    await this.#buffer.close();
  }

  async #end(status: EndStatus): Promise<void> {
    this.#sampler?.stop();
    await this.#buffer.close();
    const endTime = await endRunRow(
      this.#ctx.db,
      this.workspaceId,
      this.id,
      status,
      new Date(this.#ctx.clock.now()),
    );
    this.#status = status;
    this.#endTime = endTime;
    this.#onEnded(this);
  }

  #push(key: string, value: number, step: number | undefined, timestamp: number): Promise<void> | undefined {
    if (typeof value !== "number") {
      throw new BallastError(
        "METRIC_INVALID",
        `Metric ${key} of run ${this.id} got ${typeof value}, not a number.`,
        {
          hint: "Pass a number (convert tensors with .item() or Number(...)).",
          details: { key, received: typeof value },
        },
      );
    }
    let resolvedStep: number;
    if (step === undefined) {
      const last = this.#lastStep.get(key);
      resolvedStep = last === undefined ? 0 : last + 1;
    } else if (Number.isSafeInteger(step)) {
      resolvedStep = step;
    } else {
      throw new BallastError("METRIC_INVALID", `Step ${step} of metric ${key} is not a whole number.`, {
        hint: "Use an integer step such as the epoch or the batch index.",
        details: { key, step },
      });
    }
    this.#lastStep.set(key, resolvedStep);
    return this.#buffer.push({
      workspace_id: this.workspaceId,
      run_id: this.id,
      key,
      step: resolvedStep,
      timestamp_ms: timestamp,
      value,
    });
  }

  #assertRunning(what: string): void {
    if (this.#status !== "running") throw runEndedError(this.id, this.#status, what);
  }

  #unknownMetric(name: string): BallastError {
    const declared = [...(this.#metricNames ?? [])];
    return new BallastError(
      "METRIC_UNKNOWN",
      `Metric ${JSON.stringify(name)} is not declared by the experiment of run ${this.id}.`,
      {
        hint: `Log one of ${declared.map((n) => JSON.stringify(n)).join(", ")}, or add it to the experiment's metrics.`,
        details: { name, declared },
      },
    );
  }
}

function timestampOf(timestamp: Date | number | undefined, clock: Clock): number {
  if (timestamp === undefined) return clock.now();
  const ms = typeof timestamp === "number" ? timestamp : timestamp.getTime();
  if (!Number.isFinite(ms)) {
    throw new BallastError("METRIC_INVALID", `Metric timestamp ${String(timestamp)} is not a valid time.`, {
      hint: "Pass a Date or epoch milliseconds.",
    });
  }
  return Math.trunc(ms);
}
