import { BallastError } from "../errors/ballast-error.js";
import { migrationChecksum } from "./migration-checksum.js";
import type { TransactionHandle } from "./transaction-handle.js";
import type {
  MigrateOptions,
  Migration,
  MigrationReport,
  MigrationSet,
  QueryResult,
  SqlValue,
} from "./types.js";

/** What the migrator needs from a database: autocommit statements and transactions that can run scripts. */
export interface MigrationTarget {
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<Record<string, unknown>>>;
  transaction<T>(fn: (tx: TransactionHandle) => Promise<T>): Promise<T>;
}

/** The one table recording applied migrations of every package (in the session's current schema). */
export const MIGRATIONS_TABLE = "ballast_migrations";

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  package text NOT NULL,
  id text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (package, id)
)`;

/**
 * Serialises migrators of one schema across processes. The first key is a fixed namespace ("BALL" in
 * ASCII); the second is the current schema's hash, so suites or tenants in separate schemas of one
 * database do not wait for each other. The transaction-scoped form needs no unlock: COMMIT or ROLLBACK
 * releases it, even when the session dies.
 */
const TAKE_MIGRATION_LOCK =
  "SELECT pg_advisory_xact_lock(1111575628, hashtext(coalesce(current_schema(), '')))";

interface AppliedRow {
  id: string;
  checksum: string;
}

function migrationError(
  set: MigrationSet,
  id: string | undefined,
  message: string,
  hint: string,
  cause?: unknown,
) {
  return new BallastError("MIGRATION_FAILED", message, {
    hint,
    ...(cause === undefined ? {} : { cause }),
    details: {
      package: set.package,
      ...(id === undefined ? {} : { migration: id }),
      ...(BallastError.isInstance(cause) && cause.details?.sqlstate
        ? { sqlstate: cause.details.sqlstate }
        : {}),
    },
  });
}

function validate(set: MigrationSet): void {
  if (typeof set.package !== "string" || set.package.length === 0) {
    throw migrationError(
      set,
      undefined,
      "A migration set needs a non-empty package name.",
      'Pass { package: "tracking", migrations: [...] }.',
    );
  }
  const seen = new Set<string>();
  for (const migration of set.migrations) {
    if (typeof migration.id !== "string" || migration.id.length === 0) {
      throw migrationError(
        set,
        undefined,
        `Package "${set.package}" has a migration without an id.`,
        'Give every migration an id such as "0001_create_runs".',
      );
    }
    if (seen.has(migration.id)) {
      throw migrationError(
        set,
        migration.id,
        `Package "${set.package}" lists migration "${migration.id}" twice.`,
        "Give every migration of a package a unique id.",
      );
    }
    if (typeof migration.sql !== "string" || migration.sql.trim().length === 0) {
      throw migrationError(
        set,
        migration.id,
        `Migration ${set.package}/${migration.id} has no SQL.`,
        "Give the migration the statements it should run.",
      );
    }
    seen.add(migration.id);
  }
}

/**
 * Compares what the database recorded with the list: refuses edited migrations, migrations that
 * vanished from the list, and new migrations placed before applied ones (history must be append-only,
 * or two databases would end up with the same ids applied in different orders).
 */
function checkHistory(
  set: MigrationSet,
  applied: ReadonlyMap<string, string>,
  checksums: ReadonlyMap<string, string>,
) {
  const listed = new Set(set.migrations.map((m) => m.id));
  for (const id of applied.keys()) {
    if (!listed.has(id)) {
      throw migrationError(
        set,
        id,
        `Migration ${set.package}/${id} is recorded as applied but is missing from the migration list.`,
        "Restore the migration to the list (never delete an applied migration), or upgrade to the version of the code that added it.",
      );
    }
  }
  let firstPending: Migration | undefined;
  for (const migration of set.migrations) {
    const recorded = applied.get(migration.id);
    if (recorded === undefined) {
      firstPending ??= migration;
      continue;
    }
    if (firstPending) {
      throw migrationError(
        set,
        firstPending.id,
        `Migration ${set.package}/${firstPending.id} is new but sits before ${set.package}/${migration.id}, which is already applied.`,
        "Append new migrations at the end of the list, with an id that sorts after every applied one.",
      );
    }
    assertUnchanged(set, migration.id, recorded, checksums.get(migration.id)!);
  }
}

function assertUnchanged(set: MigrationSet, id: string, recorded: string, current: string): void {
  if (recorded === current) return;
  throw migrationError(
    set,
    id,
    `Migration ${set.package}/${id} was changed after it was applied (recorded checksum ${recorded.slice(0, 12)}…, now ${current.slice(0, 12)}…).`,
    "Never edit an applied migration: revert the edit and add a new migration that makes the change.",
  );
}

async function readApplied(
  db: Pick<MigrationTarget, "query">,
  set: MigrationSet,
): Promise<Map<string, string>> {
  const { rows } = await db.query(`SELECT id, checksum FROM ${MIGRATIONS_TABLE} WHERE package = $1`, [
    set.package,
  ]);
  return new Map((rows as unknown as AppliedRow[]).map((row) => [row.id, row.checksum]));
}

/**
 * Applies the pending migrations of one package, each in its own transaction under the advisory lock.
 * See {@link MetadataDatabase.migrate} for the contract.
 */
export async function runMigrations(
  db: MigrationTarget,
  set: MigrationSet,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  validate(set);
  const checksums = new Map(set.migrations.map((m) => [m.id, migrationChecksum(m.sql)]));

  const { rows } = await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [MIGRATIONS_TABLE]);
  if (rows[0]?.present !== true) {
    // Two processes racing CREATE TABLE IF NOT EXISTS can both pass the existence check and one then
    // fails on the catalog's unique index, so the table is created under the migration lock too.
    await db.transaction(async (tx) => {
      await tx.query(TAKE_MIGRATION_LOCK);
      await tx.query(CREATE_MIGRATIONS_TABLE);
    });
  }

  // A first read without the lock: when nothing is pending (the usual start-up) no lock is taken.
  const applied = await readApplied(db, set);
  checkHistory(set, applied, checksums);
  const pending = set.migrations.filter((m) => !applied.has(m.id));
  const report: MigrationReport = {
    package: set.package,
    applied: [],
    skipped: set.migrations.filter((m) => applied.has(m.id)).map((m) => m.id),
  };

  for (const [index, migration] of pending.entries()) {
    if (options.signal?.aborted) {
      throw new BallastError("ABORTED", `Migrating ${set.package} was aborted before ${migration.id}.`, {
        cause: options.signal.reason,
        details: { package: set.package, applied: report.applied },
      });
    }
    const checksum = checksums.get(migration.id)!;
    let ran: boolean;
    try {
      ran = await db.transaction(async (tx) => {
        await tx.query(TAKE_MIGRATION_LOCK);
        // Another process may have applied it while this one waited for the lock.
        const now = await readApplied(tx, set);
        const recorded = now.get(migration.id);
        if (recorded !== undefined) {
          assertUnchanged(set, migration.id, recorded, checksum);
          return false;
        }
        await tx.exec(migration.sql);
        await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (package, id, checksum) VALUES ($1, $2, $3)`, [
          set.package,
          migration.id,
          checksum,
        ]);
        return true;
      });
    } catch (error) {
      if (BallastError.isInstance(error, "MIGRATION_FAILED")) throw error;
      throw migrationError(
        set,
        migration.id,
        `Migration ${set.package}/${migration.id} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`,
        "Fix the migration's SQL and run migrate again; the schema is as the previous migration left it.",
        error,
      );
    }
    if (ran) {
      report.applied.push(migration.id);
      options.onProgress?.({
        package: set.package,
        id: migration.id,
        index: index + 1,
        total: pending.length,
      });
    } else {
      report.skipped.push(migration.id);
    }
  }
  return report;
}
