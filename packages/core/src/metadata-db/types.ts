/**
 * A value that can be bound to a `$n` parameter. Both backends accept the same JavaScript values:
 *
 * - `string`, `number`, `bigint`, `boolean`, `null` (and `undefined`, sent as SQL `NULL`);
 * - `Date` for `timestamptz` (an absolute instant, so the session time zone does not matter);
 * - `Uint8Array` (or a `Buffer`) for `bytea`;
 * - arrays of these for SQL arrays (`int8[]`, `text[]`, ...), for example with `= ANY($1)` or `unnest`.
 *
 * For `json`/`jsonb` parameters pass `JSON.stringify(value)`: `pg` would turn a JavaScript array into a
 * SQL array literal rather than JSON, so the string form is the one that behaves alike everywhere.
 */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | Uint8Array
  | readonly SqlValue[];

/**
 * The result of one statement.
 *
 * Column values are decoded the same way on every backend: `int2`/`int4`/`int8`/`float4`/`float8` as
 * `number` (an `int8` beyond `Number.MAX_SAFE_INTEGER` fails with `DATABASE_ERROR` instead of losing
 * digits; cast it to `text` to read it), `numeric` as `string`, `bool` as `boolean`, `json`/`jsonb`
 * parsed, `timestamptz` and `timestamp` as `Date` (a `timestamp` without time zone is read as UTC),
 * `date` as a `"YYYY-MM-DD"` string, `bytea` as `Uint8Array`, arrays as JavaScript arrays.
 */
export interface QueryResult<Row> {
  /** The rows returned (empty for statements that return none). */
  rows: Row[];
  /** Rows returned or affected, as the command tag reports (`INSERT 0 5` gives 5). */
  rowCount: number;
}

/** Anything that runs one parameterised PostgreSQL statement: the database or a transaction handle. */
export interface MetadataQueryable {
  /**
   * Runs one SQL statement with `$1`, `$2`, ... parameters. One statement per call: use
   * {@link MetadataDatabase.migrate} for multi-statement scripts.
   *
   * @throws BallastError `DATABASE_ERROR` when the statement fails; `retryable` is true for serialization
   *   failures, deadlocks and lost connections; `details.sqlstate` holds the PostgreSQL error code.
   * @throws BallastError `RESOURCE_CLOSED` after the database was closed or the transaction ended.
   * @example
   * const { rows } = await db.query<{ id: string }>("SELECT id FROM tracking_runs WHERE name = $1", ["a"]);
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<Row>>;

  /**
   * Runs `fn` in a transaction: commits when the promise it returns resolves, rolls back and rethrows
   * when it rejects. Called on a transaction handle, it opens a savepoint instead, so a failing inner
   * step undoes only its own writes. Nested calls on one handle run one after another.
   *
   * A failed transaction leaves the database as it was before `fn` started.
   *
   * @throws whatever `fn` throws (after the rollback), or BallastError `DATABASE_ERROR` when `BEGIN`,
   *   `COMMIT` or the rollback itself fails.
   * @example
   * await db.transaction(async (tx) => {
   *   await tx.query("INSERT INTO tracking_runs (id) VALUES ($1)", [id]);
   *   await tx.query("UPDATE tracking_experiments SET run_count = run_count + 1 WHERE id = $1", [exp]);
   * });
   */
  transaction<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T>;
}

/**
 * A transaction-scoped handle given to the callback of {@link MetadataQueryable.transaction}. Every
 * statement run through it belongs to the transaction; it must not be used after the callback settles.
 */
export interface MetadataTransaction extends MetadataQueryable {
  /** Nesting depth: 1 for a top-level transaction, 2 and more for savepoints. */
  readonly depth: number;
}

/** One schema change, identified by an id that sorts the package's history (`0001_create_runs`). */
export interface Migration {
  /** Stable id, unique within the package. Never rename or edit a migration once it has run. */
  id: string;
  /** One or more PostgreSQL statements, run together in one transaction. */
  sql: string;
}

/** The ordered migrations of one package, for example `{ package: "tracking", migrations: [...] }`. */
export interface MigrationSet {
  /** The owning package (`tracking`, `registry`, `features`, `monitoring`); its migrations are tracked apart. */
  package: string;
  /** Every migration of the package, oldest first. Applied ones must stay in the list, unchanged. */
  migrations: readonly Migration[];
}

/** Progress of {@link MetadataDatabase.migrate}, reported once per migration it applies. */
export interface MigrationProgressEvent {
  package: string;
  id: string;
  /** 1-based position among the migrations this call applies. */
  index: number;
  /** How many migrations this call found pending. */
  total: number;
}

/** Options of {@link MetadataDatabase.migrate}. */
export interface MigrateOptions {
  /** Stops before the next migration when aborted; the ones already applied stay applied. */
  signal?: AbortSignal;
  /** Called after each migration is committed. */
  onProgress?: (event: MigrationProgressEvent) => void;
}

/** What {@link MetadataDatabase.migrate} did. */
export interface MigrationReport {
  package: string;
  /** Ids applied by this call, in order. */
  applied: string[];
  /** Ids that were already applied (by an earlier run or a concurrent process) and were skipped. */
  skipped: string[];
}

/**
 * The metadata database: one PostgreSQL dialect spoken by the embedded PGlite default and by a
 * PostgreSQL server, so every package runs the same SQL and the same migrations on both.
 *
 * Open one with `openMetadataDatabase("pglite://.ballast/db")`, `createPGliteDatabase(...)` or, from
 * `@ballast/core/postgres`, `createPostgresDatabase(...)`. Close it with `close()` or `await using`.
 *
 * Implementations outside Ballast may provide this interface; `specificationVersion` lets a later,
 * incompatible version live beside this one.
 */
export interface MetadataDatabase extends MetadataQueryable, AsyncDisposable {
  readonly specificationVersion: "v1";
  /** Which engine runs the SQL; both speak the same dialect, this is for diagnostics and tuning. */
  readonly dialect: "pglite" | "postgres";

  /**
   * Applies the package's pending migrations in list order, each in its own transaction together with
   * its row in `ballast_migrations(package, id, checksum, applied_at)`. Runs that find nothing pending
   * change nothing, so calling it at every start-up is cheap and safe. Concurrent callers (other
   * processes on the same PostgreSQL database) wait for each other on an advisory lock, so each
   * migration runs exactly once.
   *
   * A failed migration is rolled back with its record: the schema stays as the previous migration
   * left it, and later migrations are not attempted.
   *
   * @throws BallastError `MIGRATION_FAILED` naming the package and migration when a migration fails
   *   (cause: the database error), when an applied migration's SQL changed since it ran (checksum
   *   mismatch), when an applied migration is missing from the list, or when a new migration sits
   *   before one that is already applied.
   * @example
   * await db.migrate({ package: "tracking", migrations: [{ id: "0001_create_runs", sql: "CREATE TABLE ..." }] });
   */
  migrate(set: MigrationSet, options?: MigrateOptions): Promise<MigrationReport>;

  /**
   * Waits for running statements, then releases the connections (PGlite: closes the engine and its lock
   * file). Further calls fail with `RESOURCE_CLOSED`. Closing twice is harmless.
   */
  close(): Promise<void>;
}
