import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { newId } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import {
  ARTIFACT_COLUMNS,
  type ArtifactRecord,
  type ArtifactRow,
  toArtifactRecord,
} from "./artifact-entry.js";
import { artifactNotFound, artifactPathInvalid } from "./artifact-errors.js";
import { assertArtifactPath } from "./artifact-path.js";
import { openContent, readContent } from "./content-store.js";
import { assertRunExists } from "./run-exists.js";

async function findArtifact(ctx: TrackingContext, runId: string, path: string): Promise<ArtifactRecord> {
  assertArtifactPath(path);
  const { rows } = await ctx.db.query<ArtifactRow>(
    `SELECT ${ARTIFACT_COLUMNS} FROM tracking_artifacts WHERE workspace_id = $1 AND run_id = $2 AND path = $3`,
    [ctx.workspaceId, runId, path],
  );
  const row = rows[0];
  if (!row) {
    await assertRunExists(ctx, runId);
    throw artifactNotFound(runId, path);
  }
  return toArtifactRecord(row);
}

/**
 * Streams one artifact's bytes. The stream checks the sha256 as it passes and fails with
 * `ARTIFACT_CORRUPT` at its end if the stored object was altered.
 *
 * @throws BallastError `RUN_NOT_FOUND`; `ARTIFACT_PATH_INVALID`; `ARTIFACT_NOT_FOUND`; `BLOB_NOT_FOUND`
 *   when the row exists but its content was deleted from the store.
 * @example
 * const stream = await downloadArtifact(ctx, runId, "model.onnx");
 */
export async function downloadArtifact(
  ctx: TrackingContext,
  runId: string,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<Readable> {
  const artifact = await findArtifact(ctx, runId, path);
  return openContent(ctx, artifact.sha256, options);
}

/**
 * Reads one artifact into memory, checked against its sha256: for small artifacts (configs, reports).
 *
 * @throws BallastError as {@link downloadArtifact}, and `ARTIFACT_CORRUPT`.
 * @example
 * const config = JSON.parse(Buffer.from(await readArtifact(ctx, runId, "config.json")).toString());
 */
export async function readArtifact(
  ctx: TrackingContext,
  runId: string,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const artifact = await findArtifact(ctx, runId, path);
  return readContent(ctx, artifact.sha256, options);
}

/** One file written by {@link downloadArtifacts}. */
export interface DownloadedArtifact extends ArtifactRecord {
  /** Absolute local path the file was written to. */
  localPath: string;
}

/**
 * Restores the artifacts under `prefix` into `localDir`: `prefix` names a directory of the run
 * (`"checkpoints"` restores `checkpoints/a.pt` to `localDir/a.pt`); `""` restores every artifact;
 * a prefix that is itself an artifact's path restores that file as `localDir/<base name>`.
 *
 * Each file is written to a temporary name beside its target, checked against its sha256, then
 * renamed into place, so a failure never leaves a truncated or wrong file under an artifact's name.
 * Existing files at the targets are replaced.
 *
 * @returns the files written, in path order.
 * @throws BallastError `RUN_NOT_FOUND`; `ARTIFACT_PATH_INVALID` for an invalid prefix;
 *   `ARTIFACT_NOT_FOUND` when nothing is under the prefix; `ARTIFACT_CORRUPT`; store and file system
 *   errors unchanged.
 * @example
 * await downloadArtifacts(ctx, runId, "model", "./restored-model");
 */
export async function downloadArtifacts(
  ctx: TrackingContext,
  runId: string,
  prefix: string,
  localDir: string,
  options: { signal?: AbortSignal } = {},
): Promise<DownloadedArtifact[]> {
  if (prefix !== "") assertArtifactPath(prefix);
  const { rows } = await ctx.db.query<ArtifactRow>(
    `SELECT ${ARTIFACT_COLUMNS} FROM tracking_artifacts
     WHERE workspace_id = $1 AND run_id = $2 AND ($3 = '' OR path = $3 OR starts_with(path, $3 || '/'))
     ORDER BY path COLLATE "C"`,
    [ctx.workspaceId, runId, prefix],
  );
  if (rows.length === 0) {
    await assertRunExists(ctx, runId);
    throw artifactNotFound(runId, prefix === "" ? "(any)" : `${prefix}/`);
  }
  const root = resolve(localDir);
  const written: DownloadedArtifact[] = [];
  for (const row of rows) {
    const artifact = toArtifactRecord(row);
    const relativePath =
      artifact.path === prefix
        ? artifact.path.slice(artifact.path.lastIndexOf("/") + 1)
        : artifact.path.slice(prefix === "" ? 0 : prefix.length + 1);
    const target = resolve(root, ...relativePath.split("/"));
    // Paths are validated on the way in; this guards against rows written by something else.
    if (!target.startsWith(root + sep))
      throw artifactPathInvalid(artifact.path, "it resolves outside the target");
    await writeVerified(ctx, artifact.sha256, target, options.signal);
    written.push({ ...artifact, localPath: target });
  }
  return written;
}

async function writeVerified(
  ctx: TrackingContext,
  sha256: string,
  target: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${newId()}.partial`);
  try {
    // openContent's stream fails at its end on a digest mismatch, so pipeline rejects before the rename.
    const source = await openContent(ctx, sha256, signal === undefined ? {} : { signal });
    await pipeline(source, createWriteStream(temp), signal === undefined ? {} : { signal });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
