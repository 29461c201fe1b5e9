import { BallastError } from "@ballast/core";
import type { EndStatus } from "./run-status.js";

/** `RUN_ENDED`: something was logged to a run that has already ended. */
export function runEndedError(runId: string, status: EndStatus, what: string): BallastError {
  return new BallastError("RUN_ENDED", `Cannot ${what}: run ${runId} has already ended (${status}).`, {
    hint: "Log everything before run.end(), or start a new run.",
    details: { runId, status },
  });
}

/** `RUN_NOT_FOUND`: no run with this id in this workspace. */
export function runNotFoundError(runId: string, workspaceId: string): BallastError {
  return new BallastError("RUN_NOT_FOUND", `Run ${runId} does not exist in workspace ${workspaceId}.`, {
    hint: "Check the id, and that the tracker is opened on the workspace the run was logged in.",
    details: { runId, workspaceId },
  });
}
