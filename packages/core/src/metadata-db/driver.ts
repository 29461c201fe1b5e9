import type { SqlValue } from "./types.js";

/** A statement's result as a driver reports it, before Ballast checks it. */
export interface DriverResult {
  rows: Record<string, unknown>[];
  rowCount: number;
  /** The command tag's verb (`SELECT`, `COMMIT`, `ROLLBACK`, ...), when the driver reports it. */
  command: string | undefined;
}

/** One session: statements run on it in order and see each other's uncommitted writes. */
export interface DriverConnection {
  /** One statement with `$n` parameters (extended protocol). Throws the driver's own error. */
  query(sql: string, params: readonly SqlValue[]): Promise<DriverResult>;
  /** A script of one or more statements without parameters (simple protocol), for migrations. */
  exec(script: string): Promise<void>;
}

/** A connection held exclusively until `release` is called. */
export interface LeasedConnection extends DriverConnection {
  /** Gives the connection back; `broken` discards it because its session state is unknown. */
  release(broken: boolean): void;
}

/**
 * The narrow part of a backend (Kysely's "driver"): how to run an autocommit statement and how to get
 * a session for a transaction. Transactions, savepoints, migrations and error mapping are written once
 * on top of it, so PGlite and PostgreSQL share one code path.
 */
export interface DatabaseDriver {
  readonly dialect: "pglite" | "postgres";
  /** Runs one statement outside any transaction. */
  query(sql: string, params: readonly SqlValue[]): Promise<DriverResult>;
  /** Takes a session for a transaction; waits while none is free. */
  acquire(): Promise<LeasedConnection>;
  /** Releases every resource; called once, after the database stopped accepting work. */
  close(): Promise<void>;
}
