import { BallastError, newId, parseDuration } from "@ballast/core";
import { z } from "zod";
import { captureEnvironment, type RunEnvironment } from "./environment/run-environment.js";
import { type SystemMetricsOptions, SystemMetricsSampler } from "./environment/system-metrics.js";
import type { MetricBufferSettings } from "./metrics/metric-buffer.js";
import { insertRun } from "./run/lifecycle.js";
import { loadStoredRun, type StoredRun } from "./run/load-run.js";
import {
  jsonParamValidator,
  type ParamsSchema,
  type ParamValidator,
  schemaParamValidator,
} from "./run/param-validator.js";
import { writeParams } from "./run/params.js";
import { currentProcess } from "./run/process-identity.js";
import { type Run, RunHandle } from "./run/run.js";
import type { RunRegistry } from "./run/run-registry.js";
import { normalizeSeed } from "./run/seeds.js";
import { writeTags } from "./run/tags.js";
import type { TrackingContext } from "./tracking-context.js";

/** The params type of an experiment: the schema's input type, or any JSON object without a schema. */
export type ParamsOf<S extends ParamsSchema | undefined> = S extends ParamsSchema
  ? z.input<S>
  : Record<string, unknown>;

/** Options of `tracker.experiment(name, options)`. */
export interface ExperimentOptions<S extends ParamsSchema | undefined, M extends readonly string[]> {
  /** zod object schema of the run params. Without it, any JSON params are accepted. */
  params?: S;
  /** The metric names runs may log (`["loss", "accuracy"]`). Without it, any name is accepted. */
  metrics?: M;
  description?: string;
}

/** Options of {@link Experiment.startRun}. */
export interface StartRunOptions<Params> {
  /** Display name (default `run-<last 8 characters of the id>`). */
  name?: string;
  tags?: Readonly<Record<string, string>>;
  /** Makes this a nested run of `parent` (for example one trial of a sweep). */
  parent?: Pick<Run, "id" | "workspaceId">;
  /** All params at once, parsed with the full schema (required keys must be present). */
  params?: Params;
  /** Random seeds to record in the environment; more can be added with `run.registerSeed`. */
  seeds?: Readonly<Record<string, number | bigint | string>>;
  /** Samples `system/cpu_percent`, `system/memory_bytes` (and GPU use) every `interval` (default 10 s). */
  systemMetrics?: SystemMetricsOptions | boolean;
  /**
   * Capture git, OS, CPU, GPU and package versions (default true, or the tracker's setting). Seeds and
   * the command line are stored either way.
   */
  captureEnvironment?: boolean;
}

/** A typed experiment: every run it starts only accepts its params and metric names. */
export interface Experiment<Params extends Record<string, unknown>, MetricName extends string> {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** The declared metric names, or null when any name is accepted. */
  readonly metricNames: readonly MetricName[] | null;

  /**
   * Starts a run: captures the environment, then stores the run as `running` with its params and tags
   * in one transaction.
   *
   * @throws BallastError `PARAM_INVALID` when `params` do not parse (no run is stored then);
   *   `RUN_PARENT_INVALID` for a parent from another workspace; `DATABASE_ERROR` from the database.
   * @example
   * const run = await experiment.startRun({ params: { learningRate: 0.01 }, tags: { team: "ml" } });
   */
  startRun(options?: StartRunOptions<Params>): Promise<Run<Params, MetricName>>;

  /**
   * Opens an existing run of this experiment with its types, to log more to it (a resumed job) or read
   * its status. The tracker does not heartbeat it: its owning process does.
   *
   * @throws BallastError `RUN_NOT_FOUND` when the id is not a run of this experiment in this workspace.
   */
  getRun(runId: string): Promise<Run<Params, MetricName>>;
}

/** What experiments share with their tracker. */
export interface ExperimentRuntime {
  ctx: TrackingContext;
  registry: RunRegistry;
  metricBuffer: MetricBufferSettings;
  captureEnvironment: boolean;
  /** Where git and the lockfile are read (default `process.cwd()`). */
  cwd: string | undefined;
}

interface ExperimentRow {
  id: string;
  name: string;
  description: string | null;
  metric_names: string[];
}

// Metric names are merged (first-declared order kept) rather than replaced, so runs of an older
// declaration can still be opened by name; the params schema follows the latest declaration.
const UPSERT_EXPERIMENT = `INSERT INTO tracking_experiments
  (workspace_id, id, name, description, params_schema, metric_names, created_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6::text[], $7)
ON CONFLICT (workspace_id, name) DO UPDATE SET
  description = COALESCE(EXCLUDED.description, tracking_experiments.description),
  params_schema = COALESCE(EXCLUDED.params_schema, tracking_experiments.params_schema),
  metric_names = ARRAY(
    SELECT n FROM unnest(tracking_experiments.metric_names || EXCLUDED.metric_names) WITH ORDINALITY AS u(n, i)
    GROUP BY n ORDER BY min(i))
RETURNING id, name, description, metric_names`;

const EXPERIMENT_NAME = /^\S(.{0,254}\S)?$/s;

/**
 * Creates the experiment row, or reuses the one with this name in the workspace, storing the params'
 * JSON schema (`z.toJSONSchema`) and the metric names. Used by `tracker.experiment`.
 *
 * @throws BallastError `VALIDATION_FAILED` for an empty name or an empty metric name.
 */
export async function defineExperiment<S extends ParamsSchema | undefined, M extends readonly string[]>(
  runtime: ExperimentRuntime,
  name: string,
  options: ExperimentOptions<S, M>,
): Promise<Experiment<ParamsOf<S>, M[number]>> {
  if (typeof name !== "string" || !EXPERIMENT_NAME.test(name)) {
    throw new BallastError("VALIDATION_FAILED", `Invalid experiment name ${JSON.stringify(name)}.`, {
      hint: "Use 1 to 256 characters that do not start or end with whitespace.",
    });
  }
  const metrics = options.metrics ?? null;
  if (metrics?.some((metric) => typeof metric !== "string" || metric.length === 0)) {
    throw new BallastError("VALIDATION_FAILED", `Experiment ${name} declares an empty metric name.`, {
      hint: 'List metric names as non-empty strings: metrics: ["loss", "accuracy"].',
    });
  }
  const { ctx } = runtime;
  const schema = options.params;
  const jsonSchema = schema ? paramsJsonSchema(schema) : null;
  const { rows } = await ctx.db.query<ExperimentRow>(UPSERT_EXPERIMENT, [
    ctx.workspaceId,
    newId(),
    name,
    options.description ?? null,
    jsonSchema === null ? null : JSON.stringify(jsonSchema),
    [...(metrics ?? [])],
    new Date(ctx.clock.now()),
  ]);
  const row = rows[0]!;
  const validator = schema
    ? schemaParamValidator(schema, `experiment ${name}`)
    : jsonParamValidator(`experiment ${name}`);
  return new TypedExperiment(
    runtime,
    row,
    metrics ? new Set(metrics) : null,
    validator,
  ) as unknown as Experiment<ParamsOf<S>, M[number]>;
}

function paramsJsonSchema(schema: ParamsSchema): unknown {
  // "any" for types JSON Schema cannot express (dates, transforms): the stored schema documents the
  // params; the zod schema in code stays the one that validates.
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}

class TypedExperiment implements Experiment<Record<string, unknown>, string> {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly metricNames: readonly string[] | null;
  readonly #runtime: ExperimentRuntime;
  readonly #metricSet: ReadonlySet<string> | null;
  readonly #validator: ParamValidator;

  constructor(
    runtime: ExperimentRuntime,
    row: ExperimentRow,
    metrics: ReadonlySet<string> | null,
    validator: ParamValidator,
  ) {
    this.id = row.id;
    this.name = row.name;
    this.description = row.description;
    this.metricNames = metrics ? [...metrics] : null;
    this.#runtime = runtime;
    this.#metricSet = metrics;
    this.#validator = validator;
  }

  async startRun(
    options: StartRunOptions<Record<string, unknown>> = {},
  ): Promise<Run<Record<string, unknown>, string>> {
    const { ctx, registry } = this.#runtime;
    if (options.parent && options.parent.workspaceId !== ctx.workspaceId) {
      throw new BallastError(
        "RUN_PARENT_INVALID",
        `Parent run ${options.parent.id} belongs to workspace ${options.parent.workspaceId}, not ${ctx.workspaceId}.`,
        { hint: "Nest runs only under runs of the same workspace." },
      );
    }
    // Parse before anything is written, so a bad param never leaves a half-created run behind.
    const params = options.params === undefined ? {} : this.#validator.full(options.params);
    const seeds = Object.fromEntries(
      Object.entries(options.seeds ?? {}).map(([k, v]) => [k, normalizeSeed(v)]),
    );
    const capture = options.captureEnvironment ?? this.#runtime.captureEnvironment;
    const environment: RunEnvironment | Pick<RunEnvironment, "seeds" | "argv"> = capture
      ? await captureEnvironment({ ...(this.#runtime.cwd ? { cwd: this.#runtime.cwd } : {}), seeds })
      : { seeds, argv: [...process.argv] };
    const id = newId();
    const startTime = new Date(ctx.clock.now());
    const name = options.name ?? `run-${id.slice(-8)}`;
    const run = this.#handle({
      id,
      experimentId: this.id,
      parentRunId: options.parent?.id ?? null,
      name,
      status: "running",
      startTime,
      endTime: null,
      metricNames: [],
    });
    await ctx.db.transaction(async (tx) => {
      await insertRun(tx, {
        workspaceId: ctx.workspaceId,
        id,
        experimentId: this.id,
        parentRunId: options.parent?.id ?? null,
        name,
        startTime,
        owner: currentProcess(),
        environment: environment as RunEnvironment,
      });
      await writeParams(tx, ctx.workspaceId, id, params);
      await writeTags(tx, ctx.workspaceId, id, options.tags ?? {});
    });
    registry.add(run, true);
    if (options.systemMetrics) {
      const settings = options.systemMetrics === true ? {} : options.systemMetrics;
      const sampler = new SystemMetricsSampler(
        parseDuration(settings.interval ?? "10s"),
        (sample) => run.logSystemMetrics(sample),
        {
          gpu: settings.gpu ?? true,
        },
      );
      run.attachSampler(sampler);
    }
    return run;
  }

  async getRun(runId: string): Promise<Run<Record<string, unknown>, string>> {
    const { ctx, registry } = this.#runtime;
    const live = registry.get(runId);
    if (live && live.experimentId === this.id) return live;
    const stored = await loadStoredRun(ctx.db, ctx.workspaceId, runId);
    if (stored.experimentId !== this.id) {
      throw new BallastError("RUN_NOT_FOUND", `Run ${runId} is not a run of experiment ${this.name}.`, {
        hint: "Open it with tracker.getRun(id), or through the experiment it belongs to.",
        details: { runId, experimentId: stored.experimentId },
      });
    }
    const run = this.#handle(stored);
    if (run.status === "running") registry.add(run, false);
    return run;
  }

  #handle(stored: StoredRun): RunHandle {
    const { ctx, registry, metricBuffer } = this.#runtime;
    return new RunHandle({
      ctx,
      id: stored.id,
      name: stored.name,
      experimentId: stored.experimentId,
      parentRunId: stored.parentRunId,
      startTime: stored.startTime,
      status: stored.status,
      endTime: stored.endTime,
      metricNames: this.#metricSet,
      params: this.#validator,
      metricBuffer,
      onEnded: (ended) => registry.ended(ended),
    });
  }
}
