import { BallastError, type MetadataQueryable } from "@ballast/core";
import type { RunEnvironment } from "../environment/run-environment.js";
import type { ProcessIdentity } from "./process-identity.js";
import { runNotFoundError } from "./run-errors.js";
import type { EndStatus, RunStatus } from "./run-status.js";

/** The row written when a run starts. */
export interface NewRun {
  workspaceId: string;
  id: string;
  experimentId: string;
  parentRunId: string | null;
  name: string;
  startTime: Date;
  owner: ProcessIdentity;
  environment: RunEnvironment | null;
}

/** Inserts a run as `running`, owned by this process, with its first heartbeat at the start time. */
export async function insertRun(db: MetadataQueryable, run: NewRun): Promise<void> {
  await db.query(
    `INSERT INTO tracking_runs (workspace_id, id, experiment_id, parent_run_id, name, status, start_time,
       heartbeat_at, owner_host, owner_pid, environment)
     VALUES ($1, $2, $3, $4, $5, 'running', $6, $6, $7, $8, $9::jsonb)`,
    [
      run.workspaceId,
      run.id,
      run.experimentId,
      run.parentRunId,
      run.name,
      run.startTime,
      run.owner.host,
      run.owner.pid,
      run.environment === null ? null : JSON.stringify(run.environment),
    ],
  );
}

/**
 * Moves a run from `running` to `status` with its end time. Ending again with the same status is a
 * no-op (the first end time stays); with another status it fails, since a run cannot have finished
 * and failed both. The update is conditional on `status = 'running'`, so of two processes ending one
 * run, exactly one wins.
 *
 * @returns the end time stored.
 * @throws BallastError `RUN_STATUS_CONFLICT` when the run already ended with another status (for
 *   example marked `killed` by stale-run recovery); `RUN_NOT_FOUND` when it does not exist.
 */
export async function endRunRow(
  db: MetadataQueryable,
  workspaceId: string,
  runId: string,
  status: EndStatus,
  endTime: Date,
): Promise<Date> {
  const updated = await db.query<{ end_time: Date }>(
    `UPDATE tracking_runs SET status = $3, end_time = $4
     WHERE workspace_id = $1 AND id = $2 AND status = 'running' RETURNING end_time`,
    [workspaceId, runId, status, endTime],
  );
  if (updated.rows[0]) return updated.rows[0].end_time;
  const current = await db.query<{ status: RunStatus; end_time: Date | null }>(
    "SELECT status, end_time FROM tracking_runs WHERE workspace_id = $1 AND id = $2",
    [workspaceId, runId],
  );
  const row = current.rows[0];
  if (!row) throw runNotFoundError(runId, workspaceId);
  if (row.status === status && row.end_time) return row.end_time;
  throw runStatusConflict(runId, row.status, status);
}

/** `RUN_STATUS_CONFLICT`: a run that ended one way cannot end another way. */
export function runStatusConflict(runId: string, current: RunStatus, requested: EndStatus): BallastError {
  return new BallastError(
    "RUN_STATUS_CONFLICT",
    `Run ${runId} already ended as ${current}; it cannot also end as ${requested}.`,
    {
      hint: "Call run.end() once per run; repeating the same status is allowed.",
      details: { runId, current, requested },
    },
  );
}
