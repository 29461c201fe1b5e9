import { BallastError } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import { aliasNotFound } from "./aliases.js";
import { formatModelRef, formatModelUri, type ModelUri, parseModelUri } from "./model-uri.js";
import { LATEST_ALIAS } from "./names.js";
import {
  modelNotFound,
  type ResolvedVersion,
  toModelVersion,
  VERSION_COLUMNS,
  type VersionRow,
  versionNotFound,
} from "./records.js";

/**
 * Finds the version a registry URI names: `models:/churn/3`, `models:/churn@production`,
 * `models:/churn@latest` (the highest version) or the same with `prompts:/`. One statement when the
 * version exists; a second one only to tell which part is missing.
 *
 * @throws BallastError `MODEL_URI_INVALID`; `MODEL_NOT_FOUND`; `VERSION_NOT_FOUND` (also for `@latest`
 *   of an entry without versions); `ALIAS_NOT_FOUND`.
 * @example const { runId, artifactSha256 } = await resolveVersion(ctx, "models:/churn@production");
 */
export async function resolveVersion(ctx: TrackingContext, uri: string): Promise<ResolvedVersion> {
  const parsed = parseModelUri(uri);
  const { selector } = parsed;
  const alias = selector.type === "alias" ? selector.alias : null;
  const versionCondition =
    selector.type === "version"
      ? "v.version = $4::integer"
      : alias === LATEST_ALIAS
        ? "v.version = m.last_version"
        : `v.version = (SELECT a.version FROM registry_aliases a
             WHERE a.workspace_id = m.workspace_id AND a.model_id = m.id AND a.alias = $4::text)`;
  const { rows } = await ctx.db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_models m
     JOIN registry_versions v ON v.workspace_id = m.workspace_id AND v.model_id = m.id
     WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3 AND ${versionCondition}`,
    [
      ctx.workspaceId,
      parsed.kind,
      parsed.name,
      ...(selector.type === "version" ? [selector.version] : alias === LATEST_ALIAS ? [] : [alias]),
    ],
  );
  const row = rows[0];
  if (!row) throw await explainMissing(ctx, parsed);
  const version = toModelVersion(row);
  return {
    ...version,
    uri: formatModelUri({
      kind: parsed.kind,
      name: parsed.name,
      selector: { type: "version", version: version.version },
    }),
    alias,
  };
}

async function explainMissing(ctx: TrackingContext, parsed: ModelUri): Promise<Error> {
  const { rows } = await ctx.db.query<{ last_version: number }>(
    "SELECT last_version FROM registry_models WHERE workspace_id = $1 AND kind = $2 AND name = $3",
    [ctx.workspaceId, parsed.kind, parsed.name],
  );
  const model = rows[0];
  if (!model) return modelNotFound(parsed);
  if (parsed.selector.type === "version") return versionNotFound(parsed, parsed.selector.version);
  if (parsed.selector.alias === LATEST_ALIAS) {
    return new BallastError(
      "VERSION_NOT_FOUND",
      `${formatModelRef(parsed)} has no versions yet, so @latest is empty.`,
      {
        details: { ref: formatModelRef(parsed), alias: LATEST_ALIAS },
      },
    );
  }
  return aliasNotFound(parsed, parsed.selector.alias);
}
