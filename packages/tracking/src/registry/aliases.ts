import { BallastError, type MetadataQueryable } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import { insertAudit, type NewAuditEntry } from "./audit.js";
import { assertVersionNumber, formatModelRef, type ModelRef } from "./model-uri.js";
import { lockModel } from "./models.js";
import { assertAliasName } from "./names.js";
import { parseInput, versionNotFound } from "./records.js";

/** Who and why, recorded in the audit trail with every alias move. */
export interface AuditOptions {
  /** Recorded as who moved the alias (default: see `createRegistry`'s `actor`). */
  actor?: string;
  /** Why, in words; shown in the audit trail. */
  reason?: string;
}

/** What an alias move did. */
export interface AliasMove {
  alias: string;
  /** The version the alias points to now; null after a delete. */
  version: number | null;
  /** The version it pointed to before; null when it was unset. */
  previousVersion: number | null;
}

/** Validates `{ actor?, reason? }` from untyped callers. */
export const auditOptionsSchema = z.strictObject({
  actor: z.string().optional(),
  reason: z.string().optional(),
});

/** The version an alias points to now (read under the model lock by the callers), or null. */
export async function currentAliasVersion(
  tx: MetadataQueryable,
  ctx: TrackingContext,
  modelId: string,
  alias: string,
): Promise<number | null> {
  const { rows } = await tx.query<{ version: number }>(
    "SELECT version FROM registry_aliases WHERE workspace_id = $1 AND model_id = $2 AND alias = $3",
    [ctx.workspaceId, modelId, alias],
  );
  return rows[0]?.version ?? null;
}

/** Throws `VERSION_NOT_FOUND` unless the model has `version`. */
export async function assertVersionExists(
  tx: MetadataQueryable,
  ctx: TrackingContext,
  ref: ModelRef,
  modelId: string,
  version: number,
): Promise<void> {
  const { rows } = await tx.query(
    "SELECT 1 FROM registry_versions WHERE workspace_id = $1 AND model_id = $2 AND version = $3",
    [ctx.workspaceId, modelId, version],
  );
  if (rows.length === 0) throw versionNotFound(ref, version);
}

/**
 * Points an alias at a version and writes its audit row, inside the caller's transaction (which holds
 * the model lock). One UPSERT: readers see the old version or the new one, never no alias.
 */
export async function moveAlias(
  tx: MetadataQueryable,
  ctx: TrackingContext,
  entry: NewAuditEntry & { version: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO registry_aliases (workspace_id, model_id, alias, version, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, model_id, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    [ctx.workspaceId, entry.modelId, entry.alias, entry.version, new Date(ctx.clock.now())],
  );
  await insertAudit(tx, ctx, entry);
}

/**
 * Points `alias` at `version` without a gate (audit action `set_alias`). For a checked move use
 * `promote`.
 *
 * @throws BallastError `ALIAS_NAME_INVALID`; `ALIAS_RESERVED` for `latest`; `MODEL_NOT_FOUND`;
 *   `VERSION_NOT_FOUND`. On any error the alias is unchanged and no audit row is written.
 */
export async function setAlias(
  ctx: TrackingContext,
  ref: ModelRef,
  alias: string,
  version: number,
  options: AuditOptions,
  defaultActor: string,
): Promise<AliasMove> {
  assertAliasName(alias);
  assertVersionNumber(version);
  const { actor = defaultActor, reason } = parseInput(auditOptionsSchema, options, "alias options");
  return ctx.db.transaction(async (tx) => {
    const modelId = await lockModel(tx, ctx, ref);
    await assertVersionExists(tx, ctx, ref, modelId, version);
    const previousVersion = await currentAliasVersion(tx, ctx, modelId, alias);
    await moveAlias(tx, ctx, {
      modelId,
      action: "set_alias",
      alias,
      version,
      previousVersion,
      actor,
      reason: reason ?? null,
      gateResults: null,
    });
    return { alias, version, previousVersion };
  });
}

/**
 * Removes an alias (audit action `delete_alias`); `rollback` can restore it.
 *
 * @throws BallastError `ALIAS_NAME_INVALID`; `ALIAS_RESERVED` for `latest`; `MODEL_NOT_FOUND`;
 *   `ALIAS_NOT_FOUND` when the alias is not set.
 */
export async function deleteAlias(
  ctx: TrackingContext,
  ref: ModelRef,
  alias: string,
  options: AuditOptions,
  defaultActor: string,
): Promise<AliasMove> {
  assertAliasName(alias);
  const { actor = defaultActor, reason } = parseInput(auditOptionsSchema, options, "alias options");
  return ctx.db.transaction(async (tx) => {
    const modelId = await lockModel(tx, ctx, ref);
    const { rows } = await tx.query<{ version: number }>(
      "DELETE FROM registry_aliases WHERE workspace_id = $1 AND model_id = $2 AND alias = $3 RETURNING version",
      [ctx.workspaceId, modelId, alias],
    );
    const previousVersion = rows[0]?.version;
    if (previousVersion === undefined) throw aliasNotFound(ref, alias);
    await insertAudit(tx, ctx, {
      modelId,
      action: "delete_alias",
      alias,
      version: null,
      previousVersion,
      actor,
      reason: reason ?? null,
      gateResults: null,
    });
    return { alias, version: null, previousVersion };
  });
}

/** `ALIAS_NOT_FOUND` for an alias that is not set on the entry. */
export function aliasNotFound(ref: ModelRef, alias: string): BallastError {
  return new BallastError(
    "ALIAS_NOT_FOUND",
    `${formatModelRef(ref)} has no alias ${JSON.stringify(alias)}.`,
    {
      hint: "Set it with registry.setAlias() or registry.promote(); getModel() lists the aliases that exist.",
      details: { ref: formatModelRef(ref), alias },
    },
  );
}
