import { type MetadataQueryable, newId } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import type { GateResult } from "./gate.js";
import type { ModelKind, ModelRef } from "./model-uri.js";
import { assertAliasName } from "./names.js";
import { type AuditAction, type AuditEntry, modelNotFound, parseInput } from "./records.js";

/** Options of `getAuditTrail`. */
export interface AuditTrailOptions {
  /** Only rows for this alias. */
  alias?: string;
  /** At most this many rows, the most recent ones (default 1,000). */
  limit?: number;
}

/** An audit row to write; id and time are filled in. */
export interface NewAuditEntry {
  modelId: string;
  action: AuditAction;
  alias: string;
  version: number | null;
  previousVersion: number | null;
  actor: string;
  reason: string | null;
  gateResults: GateResult[] | null;
}

const optionsSchema = z.strictObject({
  alias: z.string().optional(),
  limit: z.number().int().positive().max(100_000).optional(),
});

/** Writes one audit row inside the caller's transaction, so it commits or rolls back with the move. */
export async function insertAudit(
  tx: MetadataQueryable,
  ctx: TrackingContext,
  entry: NewAuditEntry,
): Promise<void> {
  await tx.query(
    `INSERT INTO registry_audit (workspace_id, id, model_id, action, alias, version, previous_version, actor, reason,
       gate_results, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)`,
    [
      ctx.workspaceId,
      newId(),
      entry.modelId,
      entry.action,
      entry.alias,
      entry.version,
      entry.previousVersion,
      entry.actor,
      entry.reason,
      entry.gateResults === null ? null : JSON.stringify(entry.gateResults),
      new Date(ctx.clock.now()),
    ],
  );
}

interface AuditRow {
  id: string;
  kind: ModelKind;
  name: string;
  action: AuditAction;
  alias: string;
  version: number | null;
  previous_version: number | null;
  actor: string;
  reason: string | null;
  gate_results: GateResult[] | null;
  at: Date;
}

/**
 * Reads the audit trail of a model or prompt, oldest first: every alias set, delete, promotion
 * (with gate results), rejected promotion and rollback, with who, when and why.
 *
 * Rows are ordered by time, then by id: ids are UUIDv7, so rows written within the same
 * millisecond (or under a frozen test clock) keep the order they were written in.
 *
 * @throws BallastError `MODEL_NOT_FOUND`; `ALIAS_NAME_INVALID`; `VALIDATION_FAILED` for bad options.
 */
export async function getAuditTrail(
  ctx: TrackingContext,
  ref: ModelRef,
  options: AuditTrailOptions = {},
): Promise<AuditEntry[]> {
  const { alias, limit = 1000 } = parseInput(optionsSchema, options, "audit trail options");
  if (alias !== undefined) assertAliasName(alias);
  // The LEFT JOIN keeps the model row when it has no audit rows, to tell "no rows" from "no model".
  const { rows } = await ctx.db.query<AuditRow>(
    `SELECT * FROM (
       SELECT au.id, m.kind, m.name, au.action, au.alias, au.version, au.previous_version, au.actor, au.reason,
              au.gate_results, au.at
       FROM registry_models m
       LEFT JOIN registry_audit au ON au.workspace_id = m.workspace_id AND au.model_id = m.id
         AND ($4::text IS NULL OR au.alias = $4::text)
       WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3
       ORDER BY au.at DESC, au.id DESC
       LIMIT $5
     ) recent ORDER BY at, id`,
    [ctx.workspaceId, ref.kind, ref.name, alias ?? null, limit],
  );
  if (rows.length === 0) throw modelNotFound(ref);
  return rows
    .filter((row) => row.id !== null)
    .map((row) => ({
      id: row.id,
      kind: row.kind,
      model: row.name,
      action: row.action,
      alias: row.alias,
      version: row.version,
      previousVersion: row.previous_version,
      actor: row.actor,
      reason: row.reason,
      gateResults: row.gate_results,
      at: row.at,
    }));
}
