import type { TrackingContext } from "../tracking-context.js";
import {
  ARTIFACT_COLUMNS,
  type ArtifactRecord,
  type ArtifactRow,
  toArtifactRecord,
} from "./artifact-entry.js";
import { assertRunExists } from "./run-exists.js";

/** Options of {@link listArtifacts}. */
export interface ListArtifactsOptions {
  /** Only paths starting with this string (`"model/"` for a directory, `"model"` also matches `"model.txt"`). */
  prefix?: string;
}

/**
 * The artifacts of a run, in path order.
 *
 * @throws BallastError `RUN_NOT_FOUND` when the run does not exist in the workspace.
 * @example
 * const files = await listArtifacts(ctx, runId, { prefix: "checkpoints/" });
 */
export async function listArtifacts(
  ctx: TrackingContext,
  runId: string,
  options: ListArtifactsOptions = {},
): Promise<ArtifactRecord[]> {
  const { rows } = await ctx.db.query<ArtifactRow>(
    `SELECT ${ARTIFACT_COLUMNS} FROM tracking_artifacts
     WHERE workspace_id = $1 AND run_id = $2 AND starts_with(path, $3) ORDER BY path COLLATE "C"`,
    [ctx.workspaceId, runId, options.prefix ?? ""],
  );
  // An empty list is ambiguous; tell a missing run apart with a second query only then.
  if (rows.length === 0) await assertRunExists(ctx, runId);
  return rows.map(toArtifactRecord);
}
