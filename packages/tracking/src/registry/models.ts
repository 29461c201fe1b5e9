import { BallastError, type MetadataQueryable, newId } from "@ballast/core";
import { z } from "zod";
import type { TrackingContext } from "../tracking-context.js";
import type { ModelKind, ModelRef } from "./model-uri.js";
import { modelNotFound, parseInput, type RegisteredModel, tagsSchema, tagUpdatesSchema } from "./records.js";

/** Options of `createModel`. */
export interface CreateModelOptions {
  description?: string;
  tags?: Record<string, string>;
  /**
   * What to do when the name is taken: `"error"` (default) throws `MODEL_EXISTS`, so a typo'd
   * description or tags never go unnoticed; `"return"` returns the existing entry unchanged, for
   * set-up scripts that run more than once.
   */
  ifExists?: "error" | "return";
}

/** Options of `updateModel`: given fields change, absent ones stay. */
export interface UpdateModelOptions {
  /** New description; null clears it. */
  description?: string | null;
  /** Tags to set (string) or remove (null); other tags stay. */
  tags?: Record<string, string | null>;
}

/** Options of `listModels`. */
export interface ListModelsOptions {
  /** Which entries (default `"model"`). */
  kind?: ModelKind;
  /** Only names starting with this prefix. */
  namePrefix?: string;
  /** At most this many, by name (default 1,000). */
  limit?: number;
}

const createOptionsSchema = z.strictObject({
  description: z.string().optional(),
  tags: tagsSchema.optional(),
  ifExists: z.enum(["error", "return"]).optional(),
});

const updateOptionsSchema = z.strictObject({
  description: z.string().nullable().optional(),
  tags: tagUpdatesSchema.optional(),
});

const listOptionsSchema = z.strictObject({
  kind: z.enum(["model", "prompt"]).optional(),
  namePrefix: z.string().optional(),
  limit: z.number().int().positive().max(100_000).optional(),
});

const MODEL_COLUMNS = `
  m.id, m.kind, m.name, m.description, m.tags, m.last_version, m.created_at,
  COALESCE((SELECT jsonb_object_agg(a.alias, a.version) FROM registry_aliases a
            WHERE a.workspace_id = m.workspace_id AND a.model_id = m.id), '{}'::jsonb) AS aliases`;

interface ModelRow {
  id: string;
  kind: ModelKind;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  last_version: number;
  created_at: Date;
  aliases: Record<string, number>;
}

function toModel(row: ModelRow): RegisteredModel {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    tags: row.tags,
    latestVersion: row.last_version,
    aliases: row.aliases,
    createdAt: row.created_at,
  };
}

async function selectModel(
  db: MetadataQueryable,
  ctx: TrackingContext,
  ref: ModelRef,
): Promise<RegisteredModel> {
  const { rows } = await db.query<ModelRow>(
    `SELECT ${MODEL_COLUMNS} FROM registry_models m WHERE m.workspace_id = $1 AND m.kind = $2 AND m.name = $3`,
    [ctx.workspaceId, ref.kind, ref.name],
  );
  if (!rows[0]) throw modelNotFound(ref);
  return toModel(rows[0]);
}

/**
 * Registers a name. Versions can also create their model on first use (`createVersion`), so this is
 * needed only to set a description or tags up front, or to fail on a taken name.
 *
 * @throws BallastError `MODEL_EXISTS` when the name is taken and `ifExists` is not `"return"`;
 *   `VALIDATION_FAILED` for bad options.
 */
export async function createModel(
  ctx: TrackingContext,
  ref: ModelRef,
  options: CreateModelOptions = {},
): Promise<RegisteredModel> {
  const {
    description,
    tags = {},
    ifExists = "error",
  } = parseInput(createOptionsSchema, options, "model options");
  const { rowCount } = await ctx.db.query(
    `INSERT INTO registry_models (workspace_id, id, kind, name, description, tags, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (workspace_id, kind, name) DO NOTHING`,
    [
      ctx.workspaceId,
      newId(),
      ref.kind,
      ref.name,
      description ?? null,
      JSON.stringify(tags),
      new Date(ctx.clock.now()),
    ],
  );
  if (rowCount === 0 && ifExists === "error") {
    throw new BallastError(
      "MODEL_EXISTS",
      `A ${ref.kind} named ${JSON.stringify(ref.name)} already exists.`,
      {
        hint: 'Use getModel() or updateModel(), or pass { ifExists: "return" }.',
        details: { kind: ref.kind, name: ref.name },
      },
    );
  }
  return selectModel(ctx.db, ctx, ref);
}

/**
 * Reads a registered model or prompt with its aliases.
 *
 * @throws BallastError `MODEL_NOT_FOUND` when it is not registered in the workspace.
 */
export function getModel(ctx: TrackingContext, ref: ModelRef): Promise<RegisteredModel> {
  return selectModel(ctx.db, ctx, ref);
}

/** Lists registered models (or prompts) by name. */
export async function listModels(
  ctx: TrackingContext,
  options: ListModelsOptions = {},
): Promise<RegisteredModel[]> {
  const { kind = "model", namePrefix, limit = 1000 } = parseInput(listOptionsSchema, options, "list options");
  // starts_with avoids LIKE, so '_' and '%' in a prefix are literal without escaping.
  const { rows } = await ctx.db.query<ModelRow>(
    `SELECT ${MODEL_COLUMNS} FROM registry_models m
     WHERE m.workspace_id = $1 AND m.kind = $2 AND ($3::text IS NULL OR starts_with(m.name, $3::text))
     ORDER BY m.name LIMIT $4`,
    [ctx.workspaceId, kind, namePrefix ?? null, limit],
  );
  return rows.map(toModel);
}

/**
 * Changes a model's description or tags (merged: null removes a tag).
 *
 * @throws BallastError `MODEL_NOT_FOUND`; `VALIDATION_FAILED` for bad options.
 */
export async function updateModel(
  ctx: TrackingContext,
  ref: ModelRef,
  options: UpdateModelOptions,
): Promise<RegisteredModel> {
  const { description, tags = {} } = parseInput(updateOptionsSchema, options, "model update");
  const { set, remove } = splitTagUpdates(tags);
  const { rowCount } = await ctx.db.query(
    `UPDATE registry_models
     SET description = CASE WHEN $4::boolean THEN $5::text ELSE description END,
         tags = (tags || $6::jsonb) - $7::text[]
     WHERE workspace_id = $1 AND kind = $2 AND name = $3`,
    [
      ctx.workspaceId,
      ref.kind,
      ref.name,
      description !== undefined,
      description ?? null,
      JSON.stringify(set),
      remove,
    ],
  );
  if (rowCount === 0) throw modelNotFound(ref);
  return selectModel(ctx.db, ctx, ref);
}

/** Splits `{ a: "1", b: null }` into the tags to merge and the keys to remove. */
export function splitTagUpdates(tags: Record<string, string | null>): {
  set: Record<string, string>;
  remove: string[];
} {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (value === null) remove.push(key);
    else set[key] = value;
  }
  return { set, remove };
}

/**
 * Locks a model's row for the rest of the transaction and returns its id. Every alias move and
 * promotion takes this lock first, so moves of one model are serialised: the "previous version" an
 * audit row records, and the "current version" a gate compares against, cannot change under it.
 * `FOR NO KEY UPDATE` conflicts with itself and with the version counter's UPDATE, but not with the
 * key-share locks that foreign-key checks take, so inserts elsewhere that reference the model do not wait.
 *
 * @throws BallastError `MODEL_NOT_FOUND`.
 */
export async function lockModel(tx: MetadataQueryable, ctx: TrackingContext, ref: ModelRef): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    "SELECT id FROM registry_models WHERE workspace_id = $1 AND kind = $2 AND name = $3 FOR NO KEY UPDATE",
    [ctx.workspaceId, ref.kind, ref.name],
  );
  if (!rows[0]) throw modelNotFound(ref);
  return rows[0].id;
}
