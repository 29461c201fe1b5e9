import type { MetadataQueryable } from "@ballast/core";
import { runNotFoundError } from "./run-errors.js";
import type { RunStatus } from "./run-status.js";

/** The stored facts a run handle is rebuilt from. */
export interface StoredRun {
  id: string;
  experimentId: string;
  parentRunId: string | null;
  name: string;
  status: RunStatus;
  startTime: Date;
  endTime: Date | null;
  /** Metric names declared by the run's experiment. */
  metricNames: string[];
}

/**
 * Reads one run of this workspace with its experiment's metric names.
 *
 * @throws BallastError `RUN_NOT_FOUND` when the id does not exist in the workspace.
 */
export async function loadStoredRun(
  db: MetadataQueryable,
  workspaceId: string,
  runId: string,
): Promise<StoredRun> {
  const { rows } = await db.query<{
    id: string;
    experiment_id: string;
    parent_run_id: string | null;
    name: string;
    status: RunStatus;
    start_time: Date;
    end_time: Date | null;
    metric_names: string[];
  }>(
    `SELECT r.id, r.experiment_id, r.parent_run_id, r.name, r.status, r.start_time, r.end_time, e.metric_names
     FROM tracking_runs r JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id
     WHERE r.workspace_id = $1 AND r.id = $2`,
    [workspaceId, runId],
  );
  const row = rows[0];
  if (!row) throw runNotFoundError(runId, workspaceId);
  return {
    id: row.id,
    experimentId: row.experiment_id,
    parentRunId: row.parent_run_id,
    name: row.name,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time,
    metricNames: row.metric_names,
  };
}
