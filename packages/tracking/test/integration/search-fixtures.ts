/**
 * Seeding for the search suites: writes experiments, runs, params, tags, metric points and their
 * summaries straight into the tables (the run API is tested elsewhere), and mirrors the same runs
 * for the in-memory filter oracle.
 */
import { insertRows } from "@ballast/core";
import type { RunStatus } from "../../src/run/run-status.js";
import type { OracleRun } from "../../src/search/filter-oracle.js";
import type { TrackingContext } from "../../src/tracking-context.js";

export interface SeedRun {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  parentRunId: string | null;
  params: Record<string, string | number | boolean>;
  tags: Record<string, string>;
  /** Values by step 0, 1, 2, ... */
  metrics: Record<string, number[]>;
}

/** The stored columns of a param: numbers in value_number, everything else as text. */
export function paramColumns(value: string | number | boolean): {
  text: string | null;
  number: number | null;
} {
  return typeof value === "number" ? { text: null, number: value } : { text: String(value), number: null };
}

function summary(values: number[]) {
  // PostgreSQL's min/max: NaN is the largest float.
  const order = (a: number, b: number) =>
    Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b;
  const sorted = [...values].sort(order);
  return {
    last: values[values.length - 1]!,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    count: values.length,
  };
}

export function oracleRun(run: SeedRun): OracleRun {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    experiment: run.experiment,
    parentRunId: run.parentRunId,
    startTime: run.startTime,
    endTime: run.endTime,
    params: Object.fromEntries(Object.entries(run.params).map(([k, v]) => [k, paramColumns(v)])),
    tags: run.tags,
    metrics: Object.fromEntries(
      Object.entries(run.metrics)
        .filter(([, values]) => values.length > 0)
        .map(([k, values]) => [k, summary(values)]),
    ),
  };
}

/** Inserts the runs (parents must come before their children in the list). */
export async function seedRuns(
  ctx: TrackingContext,
  runs: readonly SeedRun[],
  experimentIds = new Map<string, string>(),
) {
  const ws = ctx.workspaceId;
  await ctx.db.transaction(async (tx) => {
    const experiments = [...new Set(runs.map((r) => r.experiment))].filter(
      (name) => !experimentIds.has(name),
    );
    for (const name of experiments) experimentIds.set(name, `exp-${name}`);
    await insertRows(tx, {
      table: "tracking_experiments",
      columns: { workspace_id: "text", id: "text", name: "text", created_at: "timestamptz" },
      rows: experiments.map((name) => ({
        workspace_id: ws,
        id: experimentIds.get(name)!,
        name,
        created_at: new Date(0),
      })),
      onConflict: "ON CONFLICT DO NOTHING",
    });
    await insertRows(tx, {
      table: "tracking_runs",
      columns: {
        workspace_id: "text",
        id: "text",
        experiment_id: "text",
        parent_run_id: "text",
        name: "text",
        status: "text",
        start_time: "timestamptz",
        end_time: "timestamptz",
        heartbeat_at: "timestamptz",
        owner_host: "text",
        owner_pid: "int4",
        notes: "text",
        environment: "jsonb",
      },
      rows: runs.map((r) => ({
        workspace_id: ws,
        id: r.id,
        experiment_id: experimentIds.get(r.experiment)!,
        parent_run_id: r.parentRunId,
        name: r.name,
        status: r.status,
        start_time: new Date(r.startTime),
        end_time: r.endTime === null ? null : new Date(r.endTime),
        heartbeat_at: new Date(r.startTime),
        owner_host: "test-host",
        owner_pid: 1,
        notes: `notes of ${r.name}`,
        environment: JSON.stringify({ node: "v20" }),
      })),
    });
    await insertRows(tx, {
      table: "tracking_params",
      columns: {
        workspace_id: "text",
        run_id: "text",
        key: "text",
        value: "jsonb",
        value_text: "text",
        value_number: "float8",
      },
      rows: runs.flatMap((r) =>
        Object.entries(r.params).map(([key, value]) => {
          const columns = paramColumns(value);
          return {
            workspace_id: ws,
            run_id: r.id,
            key,
            value: JSON.stringify(value),
            value_text: columns.text,
            value_number: columns.number,
          };
        }),
      ),
    });
    await insertRows(tx, {
      table: "tracking_tags",
      columns: { workspace_id: "text", run_id: "text", key: "text", value: "text" },
      rows: runs.flatMap((r) =>
        Object.entries(r.tags).map(([key, value]) => ({ workspace_id: ws, run_id: r.id, key, value })),
      ),
    });
    await insertRows(tx, {
      table: "tracking_metrics",
      columns: {
        workspace_id: "text",
        run_id: "text",
        key: "text",
        step: "int8",
        timestamp_ms: "int8",
        value: "float8",
      },
      rows: runs.flatMap((r) =>
        Object.entries(r.metrics).flatMap(([key, values]) =>
          values.map((value, step) => ({
            workspace_id: ws,
            run_id: r.id,
            key,
            step,
            timestamp_ms: r.startTime + step,
            value,
          })),
        ),
      ),
    });
    await insertRows(tx, {
      table: "tracking_metric_summaries",
      columns: {
        workspace_id: "text",
        run_id: "text",
        key: "text",
        last_value: "float8",
        last_step: "int8",
        last_timestamp_ms: "int8",
        min_value: "float8",
        max_value: "float8",
        point_count: "int8",
      },
      rows: runs.flatMap((r) =>
        Object.entries(r.metrics)
          .filter(([, values]) => values.length > 0)
          .map(([key, values]) => {
            const s = summary(values);
            return {
              workspace_id: ws,
              run_id: r.id,
              key,
              last_value: s.last,
              last_step: values.length - 1,
              last_timestamp_ms: r.startTime + values.length - 1,
              min_value: s.min,
              max_value: s.max,
              point_count: s.count,
            };
          }),
      ),
    });
  });
  return experimentIds;
}
