/**
 * The few parts of a `pg` pool the PostgreSQL metadata database calls, typed structurally so a user
 * can pass a `pg.Pool` they configured themselves (TLS, IAM auth, hooks), or anything shaped like it.
 */

/** A statement as `pg` takes it. */
export interface PostgresQueryConfig {
  text: string;
  values?: unknown[];
  /** Per-statement column decoders (`pg`'s `types` option). */
  types?: { getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown };
  /** `"extended"` forces the extended protocol even without parameters: one statement per call. */
  queryMode?: "extended";
}

/** What `pg` returns for a statement. */
export interface PostgresQueryResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  command: string;
}

/** A checked-out connection (`pg.PoolClient`). */
export interface PostgresPoolClient {
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
  /** Returns the client; `true` (or an error) destroys it instead. */
  release(destroy?: boolean | Error): void;
}

/** A connection pool (`pg.Pool`). */
export interface PostgresPool {
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
  connect(): Promise<PostgresPoolClient>;
  end(): Promise<void>;
}
