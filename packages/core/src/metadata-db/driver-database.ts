import { AsyncLocalStorage } from "node:async_hooks";
import { BallastError } from "../errors/ballast-error.js";
import { databaseClosedError } from "./closed-error.js";
import { toDatabaseError } from "./database-error.js";
import type { DatabaseDriver } from "./driver.js";
import { runMigrations } from "./migrator.js";
import { runStatement, TransactionHandle } from "./transaction-handle.js";
import type {
  MetadataDatabase,
  MetadataTransaction,
  MigrateOptions,
  MigrationReport,
  MigrationSet,
  QueryResult,
  SqlValue,
} from "./types.js";

/**
 * The one {@link MetadataDatabase} implementation, over a {@link DatabaseDriver}. Everything above the
 * driver (transactions, savepoints, commit checks, migrations, closing) is shared by PGlite and
 * PostgreSQL, so both behave alike by construction rather than by parallel code.
 */
export class DriverDatabase implements MetadataDatabase {
  readonly specificationVersion = "v1" as const;
  readonly dialect: "pglite" | "postgres";
  readonly #driver: DatabaseDriver;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Marks code running inside one of this database's transaction callbacks, while it is open. */
  readonly #insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
  #closing: Promise<void> | undefined;

  constructor(driver: DatabaseDriver) {
    this.#driver = driver;
    this.dialect = driver.dialect;
  }

  query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<QueryResult<Row>> {
    return this.#track(async () => {
      const result = await runStatement(this.#driver, sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount };
    });
  }

  transaction<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    return this.#track(() => this.#transaction(fn));
  }

  migrate(set: MigrationSet, options: MigrateOptions = {}): Promise<MigrationReport> {
    return this.#track(() =>
      runMigrations(
        {
          query: (sql, params) => this.#guardedQuery(sql, params),
          transaction: (fn) => this.#transaction(fn),
        },
        set,
        options,
      ),
    );
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Let statements already started finish, so closing never cuts a transaction in half.
      await Promise.allSettled([...this.#inFlight]);
      await this.#driver.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #guardedQuery(sql: string, params: readonly SqlValue[] = []) {
    const result = await runStatement(this.#driver, sql, params);
    return { rows: result.rows, rowCount: result.rowCount };
  }

  async #transaction<T>(fn: (tx: TransactionHandle) => Promise<T>): Promise<T> {
    let lease: Awaited<ReturnType<DatabaseDriver["acquire"]>>;
    try {
      lease = await this.#driver.acquire();
    } catch (error) {
      throw toDatabaseError(error, "BEGIN");
    }
    let broken = false;
    try {
      await runStatement(lease, "BEGIN", []);
      const tx = new TransactionHandle(lease, 1);
      const scope = { open: true };
      let result: T;
      try {
        result = await this.#insideTransaction.run(scope, () => fn(tx));
      } catch (error) {
        scope.open = false;
        tx.end();
        try {
          await runStatement(lease, "ROLLBACK", []);
        } catch {
          // The caller's error is rethrown; a session whose rollback failed is discarded, never reused.
          broken = true;
        }
        throw error;
      }
      scope.open = false;
      tx.end();
      if (tx.undoFailure !== undefined) {
        await runStatement(lease, "ROLLBACK", []).catch(() => {
          broken = true;
        });
        throw new BallastError(
          "DATABASE_ERROR",
          "A savepoint inside the transaction could not be rolled back, so the whole transaction was rolled back.",
          { cause: tx.undoFailure, retryable: true },
        );
      }
      const commit = await runStatement(lease, "COMMIT", []);
      // PostgreSQL answers COMMIT of a transaction in which a statement failed with a ROLLBACK tag and no
      // error; without this check a caller that caught that failure would believe its writes were saved.
      if (commit.command === "ROLLBACK") {
        throw new BallastError(
          "DATABASE_ERROR",
          "The transaction was rolled back at COMMIT because a statement inside it had failed.",
          {
            hint: "Do not continue a transaction after a failed statement: let the error propagate, or wrap the step in a nested transaction (a savepoint).",
          },
        );
      }
      return result;
    } finally {
      lease.release(broken);
    }
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(databaseClosedError());
    // On PGlite a statement on the database from inside its own transaction callback would wait for
    // the transaction to end, forever; on PostgreSQL it would silently run outside the transaction
    // (and wait forever too with a pool of one). Both are bugs, so both backends refuse it alike.
    if (this.#insideTransaction.getStore()?.open) {
      return Promise.reject(
        new BallastError(
          "DATABASE_ERROR",
          "The database was used directly inside one of its own transaction callbacks.",
          {
            hint: "Inside db.transaction(async (tx) => ...) run statements on tx, not on db.",
            details: { reason: "database-used-inside-transaction" },
          },
        ),
      );
    }
    const promise = run();
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}
