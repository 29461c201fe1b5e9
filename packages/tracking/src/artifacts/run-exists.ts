import { BallastError } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";

/** `RUN_NOT_FOUND`: no run with this id in the context's workspace. */
export function runNotFound(workspaceId: string, runId: string): BallastError {
  return new BallastError("RUN_NOT_FOUND", `No run ${JSON.stringify(runId)} in workspace "${workspaceId}".`, {
    hint: "Check the run id; runs of other workspaces are not visible.",
    details: { workspaceId, runId },
  });
}

/**
 * Checks that the run exists in the context's workspace. Artifacts and dataset links check this
 * before uploading anything, so a typo in a run id costs one query, not an upload; the foreign keys
 * on the tables still guard the insert itself.
 *
 * @throws BallastError `RUN_NOT_FOUND`.
 */
export async function assertRunExists(ctx: TrackingContext, runId: string): Promise<void> {
  const { rows } = await ctx.db.query("SELECT 1 FROM tracking_runs WHERE workspace_id = $1 AND id = $2", [
    ctx.workspaceId,
    runId,
  ]);
  if (rows.length === 0) throw runNotFound(ctx.workspaceId, runId);
}
