import { BallastError } from "@ballast/core";
import { z } from "zod";
import type { GateResult } from "./gate.js";
import { formatModelRef, type ModelKind, type ModelRef } from "./model-uri.js";
import type { PromptContent } from "./prompt-template.js";
import type { ModelSignature } from "./signature.js";

/** A registered model or prompt. */
export interface RegisteredModel {
  id: string;
  kind: ModelKind;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  /** The highest version number, 0 before the first version. */
  latestVersion: number;
  /** Alias name → version (without the computed `latest`). */
  aliases: Record<string, number>;
  createdAt: Date;
}

/**
 * An immutable version. Only `description` and `tags` change after creation (`updateVersion`); the
 * run, artifact, sha256, signature and content never do, so a URI such as `models:/churn/3` always
 * means the same bytes.
 */
export interface ModelVersion {
  kind: ModelKind;
  /** The registered name (`churn`). */
  model: string;
  modelId: string;
  version: number;
  /** The tracking run it came from; null for prompts. */
  runId: string | null;
  /** Path of the artifact inside the run; null for prompts. */
  artifactPath: string | null;
  /** Hex sha256 of the artifact bytes, copied from the run's artifact at registration. */
  artifactSha256: string | null;
  signature: ModelSignature | null;
  /** Prompt template and variables; null for models. */
  content: PromptContent | null;
  description: string | null;
  tags: Record<string, string>;
  /** Aliases pointing at this version now (without `latest`). */
  aliases: string[];
  createdAt: Date;
  createdBy: string | null;
}

/** A version found by `resolve`, with how it was asked for. */
export interface ResolvedVersion extends ModelVersion {
  /** Canonical URI of the version: `models:/churn/3`. */
  uri: string;
  /** The alias the URI named (`production`, `latest`), or null for a version URI. */
  alias: string | null;
}

/** What an audit row records. */
export type AuditAction = "promote" | "promote_rejected" | "rollback" | "set_alias" | "delete_alias";

/** One row of the audit trail: every alias move, and every rejected promotion. */
export interface AuditEntry {
  id: string;
  kind: ModelKind;
  model: string;
  action: AuditAction;
  alias: string;
  /** The version the alias points to after the action (the rejected candidate for `promote_rejected`; null after `delete_alias`). */
  version: number | null;
  /** The version the alias pointed to before (null when it was unset). */
  previousVersion: number | null;
  actor: string;
  reason: string | null;
  /** Gate results of `promote` and `promote_rejected`; null otherwise. */
  gateResults: GateResult[] | null;
  at: Date;
}

/** Tag maps: non-empty keys up to 250 characters, string values up to 5,000. */
export const tagsSchema = z.record(z.string().min(1).max(250), z.string().max(5000));

/** Tag updates: a string sets the tag, null removes it, absent keys stay as they are. */
export const tagUpdatesSchema = z.record(z.string().min(1).max(250), z.string().max(5000).nullable());

/**
 * Parses a value with a schema, turning a failure into `VALIDATION_FAILED` with the issues as data.
 *
 * @throws BallastError `VALIDATION_FAILED` naming `what`, with `details.issues` (path and message).
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BallastError("VALIDATION_FAILED", `Invalid ${what}: ${z.prettifyError(parsed.error)}`, {
    details: {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    },
  });
}

/** The columns {@link toModelVersion} reads; `v` is registry_versions and `m` registry_models. */
export const VERSION_COLUMNS = `
  m.kind, m.name, v.model_id, v.version, v.run_id, v.artifact_path, v.artifact_sha256, v.signature,
  v.content, v.description, v.tags, v.created_at, v.created_by,
  COALESCE((SELECT array_agg(a.alias ORDER BY a.alias) FROM registry_aliases a
            WHERE a.workspace_id = v.workspace_id AND a.model_id = v.model_id AND a.version = v.version),
           '{}') AS aliases`;

/** A row selected with {@link VERSION_COLUMNS}. */
export interface VersionRow {
  kind: ModelKind;
  name: string;
  model_id: string;
  version: number;
  run_id: string | null;
  artifact_path: string | null;
  artifact_sha256: string | null;
  signature: ModelSignature | null;
  content: PromptContent | null;
  description: string | null;
  tags: Record<string, string>;
  created_at: Date;
  created_by: string | null;
  aliases: string[];
}

/** Maps a {@link VersionRow} to the public record. */
export function toModelVersion(row: VersionRow): ModelVersion {
  return {
    kind: row.kind,
    model: row.name,
    modelId: row.model_id,
    version: row.version,
    runId: row.run_id,
    artifactPath: row.artifact_path,
    artifactSha256: row.artifact_sha256,
    signature: row.signature,
    content: row.content,
    description: row.description,
    tags: row.tags,
    aliases: row.aliases,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** `MODEL_NOT_FOUND` for a name (model or prompt) that is not registered in the workspace. */
export function modelNotFound(ref: ModelRef): BallastError {
  return new BallastError(
    "MODEL_NOT_FOUND",
    `No ${ref.kind} named ${JSON.stringify(ref.name)} in this workspace.`,
    {
      hint:
        ref.kind === "model"
          ? "Register one with registry.createVersion(name, { runId, artifactPath }), or check the name and workspace."
          : "Create one with registry.createPrompt(name, { template }), or check the name and workspace.",
      details: { ref: formatModelRef(ref) },
    },
  );
}

/** `VERSION_NOT_FOUND` for a version number that the entry does not have. */
export function versionNotFound(ref: ModelRef, version: number): BallastError {
  return new BallastError("VERSION_NOT_FOUND", `${formatModelRef(ref)} has no version ${version}.`, {
    hint: "List the versions with registry.listVersions(name).",
    details: { ref: formatModelRef(ref), version },
  });
}
