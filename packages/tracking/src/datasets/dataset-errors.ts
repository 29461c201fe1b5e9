import { BallastError } from "@ballast/core";

/** `DATASET_NOT_FOUND`: no dataset with this id, or this name and digest, in the workspace. */
export function datasetNotFound(workspaceId: string, reference: string): BallastError {
  return new BallastError("DATASET_NOT_FOUND", `No dataset ${reference} in workspace "${workspaceId}".`, {
    hint: "List the workspace's datasets with listDatasets.",
    details: { workspaceId, reference },
  });
}

/** `DATASET_INVALID`: input that cannot be recorded as a dataset, with what to change. */
export function datasetInvalid(
  message: string,
  hint: string,
  details: Record<string, unknown> = {},
): BallastError {
  return new BallastError("DATASET_INVALID", message, { hint, details });
}
