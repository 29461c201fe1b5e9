import { BallastError, type MetadataDatabase } from "@ballast/core";
import { z } from "zod";
import type { DatasetProfile } from "./column-profile.js";
import { ProfileError } from "./profile-error.js";
import { profileMigrations } from "./profile-migrations.js";
import { deserializeProfile, serializeProfile } from "./profile-serialization.js";

const tagsSchema = z.record(z.string(), z.string());
const nameSchema = z.string().min(1).max(200);

/** One stored version of a named profile, without its contents. */
export interface StoredProfileSummary {
  name: string;
  version: number;
  rowCount: number;
  columnCount: number;
  tags: Record<string, string>;
  /** The profile's own `createdAt`, as a Date. */
  profiledAt: Date;
  savedAt: Date;
}

/** A stored profile with its contents. */
export interface StoredProfile extends StoredProfileSummary {
  profile: DatasetProfile;
}

/** Options of {@link createProfileStore}. */
export interface ProfileStoreOptions {
  /** The tenant: every row is keyed by it and every query filters on it. */
  workspace: string;
}

/** Versioned profiles in the metadata database (`monitoring_profiles`). */
export interface ProfileStore {
  /**
   * Saves a new version of `name` (1 for the first), in one statement, so a failed save stores nothing.
   * Two concurrent saves of one name get different versions (a conflicting insert is retried).
   */
  save(name: string, profile: DatasetProfile, tags?: Record<string, string>): Promise<StoredProfileSummary>;
  /**
   * Loads one version (default "latest").
   * @throws ProfileError `MONITORING_PROFILE_NOT_FOUND`; `MONITORING_PROFILE_CORRUPT` when the stored bytes do not decode.
   */
  load(name: string, version?: number | "latest"): Promise<StoredProfile>;
  /** Every stored version (of `name` when given), by name then version. */
  list(name?: string): Promise<StoredProfileSummary[]>;
}

interface Row {
  name: string;
  version: number;
  row_count: number;
  column_count: number;
  tags: Record<string, string>;
  profiled_at: Date;
  saved_at: Date;
}

const SUMMARY_COLUMNS = "name, version, row_count, column_count, tags, profiled_at, saved_at";
const UNIQUE_VIOLATION = "23505";

/**
 * A profile store over a metadata database (PGlite or PostgreSQL). Its migration
 * ({@link profileMigrations}) runs on first use; the store does not own `db` and has nothing to close.
 *
 * @example
 * const store = createProfileStore(db, { workspace: "default" });
 * await store.save("churn-reference", profile(table), { model: "churn" });
 * const { profile: reference } = await store.load("churn-reference");
 */
export function createProfileStore(db: MetadataDatabase, options: ProfileStoreOptions): ProfileStore {
  const workspace = nameSchema.parse(options.workspace);
  let migrated: Promise<unknown> | undefined;
  const ready = () => {
    migrated ??= db.migrate(profileMigrations).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };
  const summary = (row: Row): StoredProfileSummary => ({
    name: row.name,
    version: row.version,
    rowCount: row.row_count,
    columnCount: row.column_count,
    tags: row.tags,
    profiledAt: row.profiled_at,
    savedAt: row.saved_at,
  });

  return {
    async save(name, profile, tags = {}) {
      const checkedName = parseArgument(nameSchema, name, "name");
      const checkedTags = parseArgument(tagsSchema, tags, "tags");
      const bytes = serializeProfile(profile);
      await ready();
      for (let attempt = 0; ; attempt++) {
        try {
          const { rows } = await db.query<Row>(
            `INSERT INTO monitoring_profiles (workspace_id, name, version, profile, row_count, column_count, tags, profiled_at, saved_at)
             SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6::jsonb, $7, now()
             FROM monitoring_profiles WHERE workspace_id = $1 AND name = $2
             RETURNING ${SUMMARY_COLUMNS}`,
            [
              workspace,
              checkedName,
              bytes,
              profile.rowCount,
              profile.columns.size,
              JSON.stringify(checkedTags),
              new Date(profile.createdAt),
            ],
          );
          return summary(rows[0]!);
        } catch (error) {
          const conflict =
            BallastError.isInstance(error, "DATABASE_ERROR") && error.details?.sqlstate === UNIQUE_VIOLATION;
          if (!conflict || attempt >= 5) throw error;
        }
      }
    },

    async load(name, version = "latest") {
      await ready();
      const latest = version === "latest";
      const { rows } = await db.query<Row & { profile: Uint8Array }>(
        `SELECT ${SUMMARY_COLUMNS}, profile FROM monitoring_profiles
         WHERE workspace_id = $1 AND name = $2 ${latest ? "" : "AND version = $3"}
         ORDER BY version DESC LIMIT 1`,
        latest ? [workspace, name] : [workspace, name, version],
      );
      const row = rows[0];
      if (!row) {
        throw new ProfileError(
          "MONITORING_PROFILE_NOT_FOUND",
          `No profile "${name}"${latest ? "" : ` version ${version}`} in workspace "${workspace}".`,
          {
            hint: "Save it first with store.save(name, profile), or list the stored ones with store.list().",
          },
        );
      }
      return { ...summary(row), profile: deserializeProfile(row.profile) };
    },

    async list(name) {
      await ready();
      const { rows } = await db.query<Row>(
        `SELECT ${SUMMARY_COLUMNS} FROM monitoring_profiles
         WHERE workspace_id = $1 ${name === undefined ? "" : "AND name = $2"} ORDER BY name, version`,
        name === undefined ? [workspace] : [workspace, name],
      );
      return rows.map(summary);
    },
  };
}

function parseArgument<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ProfileError(
    "MONITORING_INVALID_OPTION",
    `Invalid profile ${what}: ${z.prettifyError(parsed.error)}`,
    {
      hint: "Names are 1–200 characters; tags map strings to strings.",
    },
  );
}
