import { BallastError } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import {
  type ModelVersion,
  parseInput,
  type ResolvedVersion,
  toModelVersion,
  VERSION_COLUMNS,
  type VersionRow,
} from "./records.js";
import { resolveVersion } from "./resolve.js";

/** A run as lineage shows it. */
export interface LineageRun {
  id: string;
  name: string;
  experimentId: string;
  experiment: string;
  status: "running" | "finished" | "failed" | "killed";
  parentRunId: string | null;
  startTime: Date;
  endTime: Date | null;
  params: Record<string, unknown>;
  tags: Record<string, string>;
}

/** A dataset as lineage shows it, with the roles (`training`, `validation`, ...) it had in the run. */
export interface LineageDataset {
  id: string;
  name: string;
  digest: string;
  sourceUri: string | null;
  rowCount: number | null;
  contexts: string[];
}

/** The code a run was trained with, from its captured environment. */
export interface LineageCode {
  /** `environment.git.commit`; null when the run was not in a git checkout. */
  commit: string | null;
  /** The whole captured `environment.git` object (branch, dirty flag, diff digest, ...). */
  git: Record<string, unknown> | null;
}

/** Where a version came from: its run, the run's datasets and code. */
export interface VersionLineage {
  version: ResolvedVersion;
  /** Null for versions without a run (prompts). */
  run: LineageRun | null;
  datasets: LineageDataset[];
  code: LineageCode | null;
}

/** A dataset given by id or by its name and content digest. */
export type DatasetRef = string | { name: string; digest: string };

/** A run that read a dataset, and how. */
export interface DatasetConsumer {
  id: string;
  name: string;
  experiment: string;
  status: LineageRun["status"];
  startTime: Date;
  contexts: string[];
}

/** What was built from a dataset: the runs that read it and the versions registered from them. */
export interface DatasetLineage {
  dataset: Omit<LineageDataset, "contexts"> & { createdAt: Date };
  runs: DatasetConsumer[];
  versions: ModelVersion[];
}

interface RunRow {
  id: string;
  name: string;
  experiment_id: string;
  experiment: string;
  status: LineageRun["status"];
  parent_run_id: string | null;
  start_time: Date;
  end_time: Date | null;
  params: Record<string, unknown>;
  tags: Record<string, string>;
  git: Record<string, unknown> | null;
  commit: string | null;
}

interface DatasetRow {
  id: string;
  name: string;
  digest: string;
  source_uri: string | null;
  row_count: number | null;
  created_at: Date;
}

/**
 * The lineage of a version: its run (experiment, status, params, tags), the datasets the run read and
 * the git commit it ran at. Three statements whatever the number of params or datasets.
 *
 * @throws BallastError as `resolve` for the URI.
 * @example const { run, datasets, code } = await versionLineage(ctx, "models:/churn@production");
 */
export async function versionLineage(
  ctx: TrackingContext,
  ref: string | ResolvedVersion,
): Promise<VersionLineage> {
  const version = typeof ref === "string" ? await resolveVersion(ctx, ref) : ref;
  if (version.runId === null) return { version, run: null, datasets: [], code: null };
  const [runs, datasets] = await Promise.all([
    ctx.db.query<RunRow>(
      `SELECT r.id, r.name, r.experiment_id, e.name AS experiment, r.status, r.parent_run_id, r.start_time, r.end_time,
         COALESCE((SELECT jsonb_object_agg(p.key, p.value) FROM tracking_params p
                   WHERE p.workspace_id = r.workspace_id AND p.run_id = r.id), '{}'::jsonb) AS params,
         COALESCE((SELECT jsonb_object_agg(t.key, t.value) FROM tracking_tags t
                   WHERE t.workspace_id = r.workspace_id AND t.run_id = r.id), '{}'::jsonb) AS tags,
         r.environment -> 'git' AS git, r.environment -> 'git' ->> 'commit' AS commit
       FROM tracking_runs r
       JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id
       WHERE r.workspace_id = $1 AND r.id = $2`,
      [ctx.workspaceId, version.runId],
    ),
    ctx.db.query<DatasetRow & { contexts: string[] }>(
      `SELECT d.id, d.name, d.digest, d.source_uri, d.row_count, d.created_at,
         array_agg(i.context ORDER BY i.context) AS contexts
       FROM tracking_run_inputs i
       JOIN tracking_datasets d ON d.workspace_id = i.workspace_id AND d.id = i.dataset_id
       WHERE i.workspace_id = $1 AND i.run_id = $2
       GROUP BY d.id, d.name, d.digest, d.source_uri, d.row_count, d.created_at
       ORDER BY d.name, d.digest`,
      [ctx.workspaceId, version.runId],
    ),
  ]);
  const run = runs.rows[0];
  return {
    version,
    run:
      run === undefined
        ? null
        : {
            id: run.id,
            name: run.name,
            experimentId: run.experiment_id,
            experiment: run.experiment,
            status: run.status,
            parentRunId: run.parent_run_id,
            startTime: run.start_time,
            endTime: run.end_time,
            params: run.params,
            tags: run.tags,
          },
    datasets: datasets.rows.map((row) => ({
      id: row.id,
      name: row.name,
      digest: row.digest,
      sourceUri: row.source_uri,
      rowCount: row.row_count,
      contexts: row.contexts,
    })),
    code: run === undefined ? null : { commit: run.commit, git: run.git },
  };
}

const datasetRefSchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), digest: z.string().min(1) }),
]);

/**
 * The reverse lineage of a dataset: the runs that read it (with their roles) and every model or
 * prompt version registered from those runs. Three statements whatever the number of runs.
 *
 * @throws BallastError `DATASET_NOT_FOUND` when no dataset has that id (or name and digest) in the
 *   workspace; `VALIDATION_FAILED` for a malformed reference.
 * @example const { runs, versions } = await datasetLineage(ctx, { name: "churn-train", digest: "sha256:..." });
 */
export async function datasetLineage(ctx: TrackingContext, ref: DatasetRef): Promise<DatasetLineage> {
  const parsed = parseInput(datasetRefSchema, ref, "dataset reference");
  const found = await ctx.db.query<DatasetRow>(
    typeof parsed === "string"
      ? `SELECT id, name, digest, source_uri, row_count, created_at FROM tracking_datasets
         WHERE workspace_id = $1 AND id = $2`
      : `SELECT id, name, digest, source_uri, row_count, created_at FROM tracking_datasets
         WHERE workspace_id = $1 AND name = $2 AND digest = $3`,
    typeof parsed === "string" ? [ctx.workspaceId, parsed] : [ctx.workspaceId, parsed.name, parsed.digest],
  );
  const dataset = found.rows[0];
  if (!dataset) {
    throw new BallastError("DATASET_NOT_FOUND", `No dataset ${JSON.stringify(parsed)} in this workspace.`, {
      hint: "Pass a dataset id, or { name, digest } as logged with run.logDataset().",
      details: { ref: parsed },
    });
  }
  const [runs, versions] = await Promise.all([
    ctx.db.query<{
      id: string;
      name: string;
      experiment: string;
      status: LineageRun["status"];
      start_time: Date;
      contexts: string[];
    }>(
      `SELECT r.id, r.name, e.name AS experiment, r.status, r.start_time, array_agg(i.context ORDER BY i.context) AS contexts
       FROM tracking_run_inputs i
       JOIN tracking_runs r ON r.workspace_id = i.workspace_id AND r.id = i.run_id
       JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id
       WHERE i.workspace_id = $1 AND i.dataset_id = $2
       GROUP BY r.id, r.name, e.name, r.status, r.start_time
       ORDER BY r.start_time, r.id`,
      [ctx.workspaceId, dataset.id],
    ),
    ctx.db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_versions v
       JOIN registry_models m ON m.workspace_id = v.workspace_id AND m.id = v.model_id
       WHERE v.workspace_id = $1
         AND v.run_id IN (SELECT run_id FROM tracking_run_inputs WHERE workspace_id = $1 AND dataset_id = $2)
       ORDER BY m.kind, m.name, v.version`,
      [ctx.workspaceId, dataset.id],
    ),
  ]);
  return {
    dataset: {
      id: dataset.id,
      name: dataset.name,
      digest: dataset.digest,
      sourceUri: dataset.source_uri,
      rowCount: dataset.row_count,
      createdAt: dataset.created_at,
    },
    runs: runs.rows.map((row) => ({
      id: row.id,
      name: row.name,
      experiment: row.experiment,
      status: row.status,
      startTime: row.start_time,
      contexts: row.contexts,
    })),
    versions: versions.rows.map(toModelVersion),
  };
}
