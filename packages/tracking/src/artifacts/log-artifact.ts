import { insertRows } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import type { ArtifactEntry } from "./artifact-entry.js";
import { artifactConflict } from "./artifact-errors.js";
import { type ArtifactSource, planArtifacts } from "./artifact-source.js";
import { putContent } from "./content-store.js";
import { guessContentType } from "./content-type.js";
import { assertRunExists } from "./run-exists.js";

/** Options of {@link logArtifact}. */
export interface LogArtifactOptions {
  /**
   * Where the artifact goes inside the run. For a file, default its base name; for a directory, the
   * prefix of its files (default the directory's base name; `""` puts them at the run's root).
   * Required for buffers, text and streams.
   */
  path?: string;
  /** MIME type for every artifact logged by this call; guessed from each path's extension otherwise. */
  contentType?: string;
  signal?: AbortSignal;
}

/** How many files of a directory are uploaded at once: enough to hide request latency on S3 and GCS. */
const UPLOAD_CONCURRENCY = 4;

/**
 * Logs a file, a directory, bytes, text or a stream as artifacts of a run. Bytes are stored by
 * sha256 (see `putContent`), so content logged by many runs is stored once.
 *
 * Artifacts are immutable: logging a path again with identical content is a no-op (the first
 * record, content type included, is kept); with different content it fails with `ARTIFACT_CONFLICT`.
 * The rows of one call are written in one transaction, so a directory is recorded whole or not at
 * all; content uploaded before a failure stays in the store unreferenced, harmless because it is
 * addressed by its digest.
 *
 * @returns the entries in path order.
 * @throws BallastError `RUN_NOT_FOUND`; `ARTIFACT_PATH_INVALID`; `ARTIFACT_CONFLICT`;
 *   `ARTIFACT_SOURCE_CHANGED` when a file changes while it is logged; the blob store's and database's
 *   errors unchanged.
 * @example
 * await logArtifact(ctx, runId, "out/model.onnx");                      // → "model.onnx"
 * await logArtifact(ctx, runId, "out/checkpoints", { path: "ckpt" });    // → "ckpt/epoch-1.pt", ...
 * await logArtifact(ctx, runId, { text: JSON.stringify(report) }, { path: "report.json" });
 */
export async function logArtifact(
  ctx: TrackingContext,
  runId: string,
  source: ArtifactSource,
  options: LogArtifactOptions = {},
): Promise<ArtifactEntry[]> {
  await assertRunExists(ctx, runId);
  const planned = await planArtifacts(source, options.path);
  const entries: ArtifactEntry[] = new Array(planned.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < planned.length; index = next++) {
      const item = planned[index]!;
      const stored = await putContent(
        ctx,
        item.body,
        options.signal === undefined ? {} : { signal: options.signal },
      );
      const contentType = options.contentType ?? guessContentType(item.path);
      entries[index] = {
        path: item.path,
        sha256: stored.sha256,
        size: stored.size,
        ...(contentType === undefined ? {} : { contentType }),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, planned.length) }, worker));
  await recordArtifacts(ctx, runId, entries);
  return entries;
}

/**
 * Inserts the rows, keeping existing ones, then compares every requested path with what is stored.
 * Checking after the insert (not before) inside the transaction also catches a concurrent writer
 * that recorded the same path between our check and our insert.
 */
async function recordArtifacts(ctx: TrackingContext, runId: string, entries: ArtifactEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const createdAt = new Date(ctx.clock.now());
  await ctx.db.transaction(async (tx) => {
    await insertRows(tx, {
      table: "tracking_artifacts",
      columns: {
        workspace_id: "text",
        run_id: "text",
        path: "text",
        sha256: "text",
        size: "int8",
        content_type: "text",
        created_at: "timestamptz",
      },
      rows: entries.map((entry) => ({
        workspace_id: ctx.workspaceId,
        run_id: runId,
        path: entry.path,
        sha256: entry.sha256,
        size: entry.size,
        content_type: entry.contentType ?? null,
        created_at: createdAt,
      })),
      onConflict: "ON CONFLICT (workspace_id, run_id, path) DO NOTHING",
    });
    const { rows } = await tx.query<{ path: string; sha256: string }>(
      "SELECT path, sha256 FROM tracking_artifacts WHERE workspace_id = $1 AND run_id = $2 AND path = ANY($3::text[])",
      [ctx.workspaceId, runId, entries.map((entry) => entry.path)],
    );
    const stored = new Map(rows.map((row) => [row.path, row.sha256]));
    for (const entry of entries) {
      const existing = stored.get(entry.path);
      if (existing !== entry.sha256)
        throw artifactConflict(runId, entry.path, existing ?? "(none)", entry.sha256);
    }
  });
}
