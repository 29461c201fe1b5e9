import { transactionEndedError } from "./closed-error.js";
import { toDatabaseError } from "./database-error.js";
import type { DriverConnection, DriverResult } from "./driver.js";
import { Mutex } from "./mutex.js";
import type { MetadataTransaction, QueryResult, SqlValue } from "./types.js";

/** Runs one statement on a connection, turning driver errors into `DATABASE_ERROR`. */
export async function runStatement(
  connection: Pick<DriverConnection, "query">,
  sql: string,
  params: readonly SqlValue[],
): Promise<DriverResult> {
  try {
    return await connection.query(sql, params);
  } catch (error) {
    throw toDatabaseError(error, sql);
  }
}

/** Runs a multi-statement script on a connection, turning driver errors into `DATABASE_ERROR`. */
export async function runScript(connection: Pick<DriverConnection, "exec">, script: string): Promise<void> {
  try {
    await connection.exec(script);
  } catch (error) {
    throw toDatabaseError(error, script);
  }
}

/** State shared by a transaction and its savepoints. */
export interface TransactionState {
  undoFailure: unknown;
}

/**
 * The handle a transaction callback receives. Every statement goes to the one session that ran
 * `BEGIN`; nested `transaction()` calls become savepoints, taken one at a time so savepoint names
 * and their undo scopes never interleave.
 */
export class TransactionHandle implements MetadataTransaction {
  readonly depth: number;
  readonly #connection: DriverConnection;
  readonly #state: TransactionState;
  readonly #savepoints = new Mutex();
  #ended = false;

  constructor(
    connection: DriverConnection,
    depth: number,
    state: TransactionState = { undoFailure: undefined },
  ) {
    this.#connection = connection;
    this.depth = depth;
    this.#state = state;
  }

  /** Set when a savepoint could not be rolled back: the transaction must not commit. */
  get undoFailure(): unknown {
    return this.#state.undoFailure;
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<QueryResult<Row>> {
    this.#assertOpen();
    const result = await runStatement(this.#connection, sql, params);
    return { rows: result.rows as Row[], rowCount: result.rowCount };
  }

  /** Runs a multi-statement script inside the transaction (migrations only; not part of the interface). */
  async exec(script: string): Promise<void> {
    this.#assertOpen();
    await runScript(this.#connection, script);
  }

  transaction<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    return this.#savepoints.run(async () => {
      this.#assertOpen();
      // Savepoints are taken one at a time per handle, so the depth makes each live name unique.
      const name = `ballast_savepoint_${this.depth}`;
      await runStatement(this.#connection, `SAVEPOINT ${name}`, []);
      const child = new TransactionHandle(this.#connection, this.depth + 1, this.#state);
      let result: T;
      try {
        result = await fn(child);
      } catch (error) {
        child.end();
        try {
          await runStatement(this.#connection, `ROLLBACK TO SAVEPOINT ${name}`, []);
        } catch (undoError) {
          // The caller's error explains what happened, so it is the one rethrown here; the failed undo
          // is kept and makes the top-level transaction roll back instead of committing half a step.
          this.#state.undoFailure ??= undoError;
        }
        throw error;
      }
      child.end();
      await runStatement(this.#connection, `RELEASE SAVEPOINT ${name}`, []);
      return result;
    });
  }

  /** Marks the handle unusable; statements issued after the callback settled would run outside it. */
  end(): void {
    this.#ended = true;
  }

  #assertOpen(): void {
    if (this.#ended) throw transactionEndedError();
  }
}
