import { BallastError, type MetadataTransaction, newId } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import type { ModelRef } from "./model-uri.js";
import { splitTagUpdates } from "./models.js";
import type { PromptContent } from "./prompt-template.js";
import {
  type ModelVersion,
  modelNotFound,
  parseInput,
  tagsSchema,
  tagUpdatesSchema,
  toModelVersion,
  VERSION_COLUMNS,
  type VersionRow,
  versionNotFound,
} from "./records.js";
import { type ModelSignature, type ModelSignatureInput, toModelSignature } from "./signature.js";

/** Options of `createVersion`. */
export interface CreateVersionOptions {
  /** The tracking run that produced the model; it must exist in the registry's workspace. */
  runId: string;
  /**
   * Path of an artifact the run logged (one file: register a directory as an archive or its manifest
   * file). Its sha256 is copied into the version, so the version keeps naming the same bytes.
   */
  artifactPath: string;
  /** Input and output schemas (zod or JSON Schema), stored as JSON Schema. */
  signature?: ModelSignatureInput;
  description?: string;
  tags?: Record<string, string>;
  /** Recorded as the version's author (default: the registry's actor). */
  createdBy?: string;
}

/** Options of `updateVersion`: the only mutable parts of a version. */
export interface UpdateVersionOptions {
  /** New description; null clears it. */
  description?: string | null;
  /** Tags to set (string) or remove (null); other tags stay. */
  tags?: Record<string, string | null>;
}

const createOptionsSchema = z.strictObject({
  runId: z.string().min(1),
  artifactPath: z.string().min(1),
  signature: z.custom<ModelSignatureInput>((value) => typeof value === "object" && value !== null).optional(),
  description: z.string().optional(),
  tags: tagsSchema.optional(),
  createdBy: z.string().optional(),
});

const updateOptionsSchema = z.strictObject({
  description: z.string().nullable().optional(),
  tags: tagUpdatesSchema.optional(),
});

/** Everything stored in a new version row, whatever its kind. */
export interface NewVersion {
  runId: string | null;
  artifactPath: string | null;
  artifactSha256: string | null;
  signature: ModelSignature | null;
  content: PromptContent | null;
  description: string | null;
  tags: Record<string, string>;
  createdBy: string;
}

/**
 * Inserts the next version of `ref` inside the caller's transaction, creating the registered entry on
 * first use.
 *
 * The number comes from `UPDATE registry_models SET last_version = last_version + 1 ... RETURNING`:
 * the update holds the model's row lock until the transaction ends, so a concurrent registration (any
 * process, any connection) waits and then reads the incremented counter. Numbers are therefore
 * unique, and consecutive, because a transaction that fails after the increment rolls it back too.
 * `MAX(version) + 1` would not be safe: two transactions can read the same maximum.
 */
export async function insertVersion(
  tx: MetadataTransaction,
  ctx: TrackingContext,
  ref: ModelRef,
  version: NewVersion,
): Promise<ModelVersion> {
  const now = new Date(ctx.clock.now());
  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same name to commit, then skips.
  await tx.query(
    `INSERT INTO registry_models (workspace_id, id, kind, name, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, kind, name) DO NOTHING`,
    [ctx.workspaceId, newId(), ref.kind, ref.name, now],
  );
  const allocated = await tx.query<{ id: string; last_version: number }>(
    `UPDATE registry_models SET last_version = last_version + 1
     WHERE workspace_id = $1 AND kind = $2 AND name = $3 RETURNING id, last_version`,
    [ctx.workspaceId, ref.kind, ref.name],
  );
  const model = allocated.rows[0];
  if (!model) throw modelNotFound(ref);
  await tx.query(
    `INSERT INTO registry_versions (workspace_id, model_id, version, run_id, artifact_path, artifact_sha256,
       signature, content, description, tags, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::jsonb, $11, $12)`,
    [
      ctx.workspaceId,
      model.id,
      model.last_version,
      version.runId,
      version.artifactPath,
      version.artifactSha256,
      version.signature === null ? null : JSON.stringify(version.signature),
      version.content === null ? null : JSON.stringify(version.content),
      version.description,
      JSON.stringify(version.tags),
      now,
      version.createdBy,
    ],
  );
  return {
    kind: ref.kind,
    model: ref.name,
    modelId: model.id,
    version: model.last_version,
    runId: version.runId,
    artifactPath: version.artifactPath,
    artifactSha256: version.artifactSha256,
    signature: version.signature,
    content: version.content,
    description: version.description,
    tags: version.tags,
    aliases: [],
    createdAt: now,
    createdBy: version.createdBy,
  };
}

/**
 * Registers a new immutable version of a model from a run's artifact. The model is created on first
 * use. Validation (run, artifact, signature) happens before anything is written, and the check of the
 * run and the insert share one transaction, so a failed call leaves neither a version nor a used number.
 *
 * @throws BallastError `RUN_NOT_FOUND` when the run is not in the workspace; `ARTIFACT_NOT_FOUND` when
 *   the run did not log `artifactPath`; `SIGNATURE_INVALID`; `VALIDATION_FAILED` for bad options.
 */
export async function createVersion(
  ctx: TrackingContext,
  ref: ModelRef,
  options: CreateVersionOptions,
  actor: string,
): Promise<ModelVersion> {
  const parsed = parseInput(createOptionsSchema, options, "version options");
  const signature = parsed.signature === undefined ? null : toModelSignature(parsed.signature);
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; sha256: string | null }>(
      `SELECT r.id, a.sha256 FROM tracking_runs r
       LEFT JOIN tracking_artifacts a ON a.workspace_id = r.workspace_id AND a.run_id = r.id AND a.path = $3
       WHERE r.workspace_id = $1 AND r.id = $2`,
      [ctx.workspaceId, parsed.runId, parsed.artifactPath],
    );
    const run = rows[0];
    if (!run) {
      throw new BallastError("RUN_NOT_FOUND", `No run ${JSON.stringify(parsed.runId)} in this workspace.`, {
        hint: "Pass the id of a run logged with this workspace's tracker (run.id).",
        details: { runId: parsed.runId },
      });
    }
    if (run.sha256 === null) {
      throw new BallastError(
        "ARTIFACT_NOT_FOUND",
        `Run ${parsed.runId} has no artifact at ${JSON.stringify(parsed.artifactPath)}.`,
        {
          hint: "Log it first with run.logArtifact(), and pass the path exactly as logged.",
          details: { runId: parsed.runId, artifactPath: parsed.artifactPath },
        },
      );
    }
    return insertVersion(tx, ctx, ref, {
      runId: parsed.runId,
      artifactPath: parsed.artifactPath,
      artifactSha256: run.sha256,
      signature,
      content: null,
      description: parsed.description ?? null,
      tags: parsed.tags ?? {},
      createdBy: parsed.createdBy ?? actor,
    });
  });
}

/**
 * Reads one version.
 *
 * @throws BallastError `VERSION_NOT_FOUND` (also when the model itself is unknown, use `getModel` to tell them apart).
 */
export async function getVersion(
  ctx: TrackingContext,
  ref: ModelRef,
  version: number,
): Promise<ModelVersion> {
  const { rows } = await ctx.db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_versions v
     JOIN registry_models m ON m.workspace_id = v.workspace_id AND m.id = v.model_id
     WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3 AND v.version = $4`,
    [ctx.workspaceId, ref.kind, ref.name, version],
  );
  if (!rows[0]) throw versionNotFound(ref, version);
  return toModelVersion(rows[0]);
}

/**
 * Lists the versions of a model or prompt, newest first.
 *
 * @throws BallastError `MODEL_NOT_FOUND`.
 */
export async function listVersions(ctx: TrackingContext, ref: ModelRef): Promise<ModelVersion[]> {
  const { rows } = await ctx.db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_models m
     JOIN registry_versions v ON v.workspace_id = m.workspace_id AND v.model_id = m.id
     WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3
     ORDER BY v.version DESC`,
    [ctx.workspaceId, ref.kind, ref.name],
  );
  if (rows.length === 0) {
    const exists = await ctx.db.query(
      "SELECT 1 FROM registry_models WHERE workspace_id = $1 AND kind = $2 AND name = $3",
      [ctx.workspaceId, ref.kind, ref.name],
    );
    if (exists.rows.length === 0) throw modelNotFound(ref);
  }
  return rows.map(toModelVersion);
}

/**
 * Changes a version's description or tags. Nothing else of a version can change.
 *
 * @throws BallastError `VERSION_NOT_FOUND`; `VALIDATION_FAILED` for bad options (including any other field).
 */
export async function updateVersion(
  ctx: TrackingContext,
  ref: ModelRef,
  version: number,
  options: UpdateVersionOptions,
): Promise<ModelVersion> {
  const { description, tags = {} } = parseInput(updateOptionsSchema, options, "version update");
  const { set, remove } = splitTagUpdates(tags);
  const { rowCount } = await ctx.db.query(
    `UPDATE registry_versions v
     SET description = CASE WHEN $5::boolean THEN $6::text ELSE v.description END,
         tags = (v.tags || $7::jsonb) - $8::text[]
     FROM registry_models m
     WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3
       AND v.workspace_id = m.workspace_id AND v.model_id = m.id AND v.version = $4`,
    [
      ctx.workspaceId,
      ref.kind,
      ref.name,
      version,
      description !== undefined,
      description ?? null,
      JSON.stringify(set),
      remove,
    ],
  );
  if (rowCount === 0) throw versionNotFound(ref, version);
  return getVersion(ctx, ref, version);
}
