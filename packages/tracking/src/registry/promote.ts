import { BallastError, type MetadataQueryable } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import { moveAlias } from "./aliases.js";
import { insertAudit } from "./audit.js";
import {
  evaluateGate,
  type GateCondition,
  type GateFacts,
  type GateResult,
  gateMetrics,
  type MetricSummary,
  parseGate,
} from "./gate.js";
import { assertVersionNumber, formatModelRef, type ModelRef } from "./model-uri.js";
import { lockModel } from "./models.js";
import { assertAliasName } from "./names.js";
import { parseInput, versionNotFound } from "./records.js";

/** Options of `promote`. */
export interface PromoteOptions {
  /** The alias to move (`production`, `staging`); not `latest`. */
  alias: string;
  /** Conditions the version must meet; an empty or absent gate always passes. */
  gate?: readonly GateCondition[];
  /** Recorded as who promoted (default: see `createRegistry`'s `actor`). */
  actor?: string;
  /** Why; recorded in the audit trail. */
  reason?: string;
  /**
   * Throw `PROMOTION_REJECTED` when the gate fails (default true), so a deploy script that ignores the
   * result cannot go on as if it had promoted. With false, inspect `promoted` and `results` instead.
   * Either way the rejection is in the audit trail.
   */
  throwOnFailure?: boolean;
}

/** What `promote` did. */
export interface PromotionResult {
  promoted: boolean;
  alias: string;
  version: number;
  /** The version the alias pointed to before (and still does when rejected); null when unset. */
  previousVersion: number | null;
  /** One result per gate condition, in gate order. */
  results: GateResult[];
}

const optionsSchema = z.strictObject({
  alias: z.string(),
  gate: z.unknown().optional(),
  actor: z.string().optional(),
  reason: z.string().optional(),
  throwOnFailure: z.boolean().optional(),
});

interface TargetRow {
  run_id: string | null;
  tags: Record<string, string>;
  current_version: number | null;
  current_run_id: string | null;
}

interface SummaryRow {
  run_id: string;
  key: string;
  last_value: number;
  min_value: number;
  max_value: number;
}

/** Loads what the gate reads in at most three statements, whatever the number of conditions. */
async function loadFacts(
  tx: MetadataQueryable,
  ctx: TrackingContext,
  ref: ModelRef,
  modelId: string,
  version: number,
  alias: string,
  gate: readonly GateCondition[],
): Promise<GateFacts> {
  const { rows } = await tx.query<TargetRow>(
    `SELECT v.run_id, v.tags, cur.version AS current_version, cv.run_id AS current_run_id
     FROM registry_versions v
     LEFT JOIN registry_aliases cur ON cur.workspace_id = v.workspace_id AND cur.model_id = v.model_id AND cur.alias = $4
     LEFT JOIN registry_versions cv ON cv.workspace_id = cur.workspace_id AND cv.model_id = cur.model_id
       AND cv.version = cur.version
     WHERE v.workspace_id = $1 AND v.model_id = $2 AND v.version = $3`,
    [ctx.workspaceId, modelId, version, alias],
  );
  const target = rows[0];
  if (!target) throw versionNotFound(ref, version);
  const metrics = gateMetrics(gate);
  const runIds = [target.run_id, target.current_run_id].filter((id): id is string => id !== null);
  const summaries =
    metrics.length > 0 && runIds.length > 0
      ? (
          await tx.query<SummaryRow>(
            `SELECT run_id, key, last_value, min_value, max_value FROM tracking_metric_summaries
             WHERE workspace_id = $1 AND run_id = ANY($2::text[]) AND key = ANY($3::text[])`,
            [ctx.workspaceId, runIds, metrics],
          )
        ).rows
      : [];
  const byRun = (runId: string | null): Map<string, MetricSummary> =>
    new Map(
      summaries
        .filter((row) => runId !== null && row.run_id === runId)
        .map((row) => [row.key, { last: row.last_value, min: row.min_value, max: row.max_value }]),
    );
  const needsRunTags = target.run_id !== null && gate.some((condition) => "tag" in condition);
  const runTags = needsRunTags
    ? (
        await tx.query<{ key: string; value: string }>(
          "SELECT key, value FROM tracking_tags WHERE workspace_id = $1 AND run_id = $2",
          [ctx.workspaceId, target.run_id],
        )
      ).rows
    : [];
  return {
    candidate: {
      version,
      metrics: byRun(target.run_id),
      versionTags: target.tags,
      runTags: Object.fromEntries(runTags.map((row) => [row.key, row.value])),
    },
    current:
      target.current_version === null
        ? undefined
        : { version: target.current_version, metrics: byRun(target.current_run_id) },
  };
}

/**
 * Moves an alias to a version if the version passes its gate.
 *
 * The model's row is locked first and the gate is evaluated under that lock, so the "current version"
 * that `betterThanCurrent` compares against cannot be moved by a concurrent promotion before this one
 * commits. A passing gate moves the alias and writes a `promote` audit row with the results in one
 * transaction; a failing gate leaves the alias where it was and commits a `promote_rejected` row.
 *
 * @throws BallastError `PROMOTION_REJECTED` (when `throwOnFailure` is not false) after recording the
 *   rejection, with the failed results in the message and `details.results`; `GATE_INVALID`;
 *   `ALIAS_NAME_INVALID`; `ALIAS_RESERVED`; `MODEL_NOT_FOUND`; `VERSION_NOT_FOUND`.
 */
export async function promote(
  ctx: TrackingContext,
  ref: ModelRef,
  version: number,
  options: PromoteOptions,
  defaultActor: string,
): Promise<PromotionResult> {
  const parsed = parseInput(optionsSchema, options, "promotion options");
  assertAliasName(parsed.alias);
  assertVersionNumber(version);
  const gate = parseGate(parsed.gate ?? []);
  const { alias, actor = defaultActor, reason, throwOnFailure = true } = parsed;
  const outcome = await ctx.db.transaction(async (tx): Promise<PromotionResult> => {
    const modelId = await lockModel(tx, ctx, ref);
    const facts = await loadFacts(tx, ctx, ref, modelId, version, alias, gate);
    const results = evaluateGate(gate, facts);
    const promoted = results.every((result) => result.passed);
    const previousVersion = facts.current?.version ?? null;
    const entry = { modelId, alias, previousVersion, actor, reason: reason ?? null, gateResults: results };
    if (promoted) await moveAlias(tx, ctx, { ...entry, action: "promote", version });
    else await insertAudit(tx, ctx, { ...entry, action: "promote_rejected", version });
    return { promoted, alias, version, previousVersion, results };
  });
  if (!outcome.promoted && throwOnFailure) {
    const failed = outcome.results.filter((result) => !result.passed);
    throw new BallastError(
      "PROMOTION_REJECTED",
      `${formatModelRef(ref)}/${version} was not promoted to @${alias}: ${failed.map((result) => result.message).join("; ")}.`,
      {
        hint: "The alias is unchanged and the rejection is in the audit trail; fix the version or the gate and promote again.",
        details: { results: outcome.results, failed, previousVersion: outcome.previousVersion },
      },
    );
  }
  return outcome;
}
