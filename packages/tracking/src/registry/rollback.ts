import { BallastError, type MetadataQueryable } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import {
  type AliasMove,
  type AuditOptions,
  auditOptionsSchema,
  currentAliasVersion,
  moveAlias,
} from "./aliases.js";
import { formatModelRef, type ModelRef } from "./model-uri.js";
import { lockModel } from "./models.js";
import { assertAliasName } from "./names.js";
import { type AuditAction, parseInput } from "./records.js";

interface MoveRow {
  action: AuditAction;
  previous_version: number | null;
}

/**
 * The version a rollback returns to, from the alias's moves newest first. The trail is treated as a
 * stack: each earlier rollback undid one move, so it cancels the next older move. The first move not
 * cancelled is the one that produced the current state, and its `previous_version` is the target.
 * Without the stack, two rollbacks in a row would toggle between two versions instead of walking back.
 * Rejected promotions never moved the alias and are not part of the trail read here.
 */
export function rollbackTarget(movesNewestFirst: readonly MoveRow[]): number | null {
  let undone = 0;
  for (const move of movesNewestFirst) {
    if (move.action === "rollback") undone += 1;
    else if (undone > 0) undone -= 1;
    else return move.previous_version;
  }
  return null;
}

async function aliasMoves(tx: MetadataQueryable, ctx: TrackingContext, modelId: string, alias: string) {
  const { rows } = await tx.query<MoveRow>(
    `SELECT action, previous_version FROM registry_audit
     WHERE workspace_id = $1 AND model_id = $2 AND alias = $3 AND action <> 'promote_rejected'
     ORDER BY at DESC, id DESC`,
    [ctx.workspaceId, modelId, alias],
  );
  return rows;
}

/**
 * Moves an alias back to the version it pointed to before its latest move (undoing a promotion, a
 * set or a delete), as recorded in the audit trail; repeated rollbacks keep walking back. Writes a
 * `rollback` audit row in the same transaction as the move.
 *
 * @throws BallastError `ROLLBACK_UNAVAILABLE` when there is no earlier version (the alias's first
 *   move created it: use `deleteAlias` to remove it); `ALIAS_NAME_INVALID`; `ALIAS_RESERVED`;
 *   `MODEL_NOT_FOUND`.
 */
export async function rollback(
  ctx: TrackingContext,
  ref: ModelRef,
  alias: string,
  options: AuditOptions,
  defaultActor: string,
): Promise<AliasMove> {
  assertAliasName(alias);
  const { actor = defaultActor, reason } = parseInput(auditOptionsSchema, options, "rollback options");
  return ctx.db.transaction(async (tx) => {
    const modelId = await lockModel(tx, ctx, ref);
    const target = rollbackTarget(await aliasMoves(tx, ctx, modelId, alias));
    if (target === null) {
      throw new BallastError(
        "ROLLBACK_UNAVAILABLE",
        `${formatModelRef(ref)}@${alias} has no earlier version to roll back to.`,
        {
          hint: "The audit trail shows the alias was created by its oldest remaining move; use deleteAlias() to remove it.",
          details: { ref: formatModelRef(ref), alias },
        },
      );
    }
    const previousVersion = await currentAliasVersion(tx, ctx, modelId, alias);
    await moveAlias(tx, ctx, {
      modelId,
      action: "rollback",
      alias,
      version: target,
      previousVersion,
      actor,
      reason: reason ?? null,
      gateResults: null,
    });
    return { alias, version: target, previousVersion };
  });
}
