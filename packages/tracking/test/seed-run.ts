import { newId } from "@ballast/core";
import type { TrackingContext } from "../src/tracking-context.js";

/**
 * Inserts an experiment and a running run owned by this process, straight into the tables, and
 * returns the run's id. For suites of modules that only need a run to exist: going through the run
 * module would tie their failures to its behaviour.
 */
export async function seedRun(ctx: TrackingContext): Promise<string> {
  const experimentId = newId();
  const runId = newId();
  const now = new Date(ctx.clock.now());
  await ctx.db.query(
    "INSERT INTO tracking_experiments (workspace_id, id, name, created_at) VALUES ($1, $2, $3, $4)",
    [ctx.workspaceId, experimentId, `exp-${experimentId}`, now],
  );
  await ctx.db.query(
    `INSERT INTO tracking_runs (workspace_id, id, experiment_id, name, status, start_time, heartbeat_at, owner_host, owner_pid)
     VALUES ($1, $2, $3, $4, 'running', $5, $5, 'test-host', $6)`,
    [ctx.workspaceId, runId, experimentId, `run-${runId}`, now, process.pid],
  );
  return runId;
}
