import pg from "pg";
import { BallastError } from "../../errors/ballast-error.js";
import type { DatabaseDriver, DriverResult, LeasedConnection } from "../driver.js";
import { DriverDatabase } from "../driver-database.js";
import type { MetadataDatabase, SqlValue } from "../types.js";
import { BALLAST_PG_TYPES } from "./pg-type-parsers.js";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "./postgres-pool.js";

/** Options of {@link createPostgresDatabase}: a connection URL, or a pool you made. */
export type PostgresDatabaseOptions =
  | {
      /** `postgres://user:password@host:5432/database` (any `pg` connection string, including `?sslmode=`). */
      url: string;
      /** Most connections the pool opens (default 10). */
      poolSize?: number;
      /**
       * Schema that holds Ballast's tables, including `ballast_migrations`: every connection starts with
       * `search_path` set to it alone. The schema must exist. Default: the server's `search_path`.
       */
      schema?: string;
      /** Milliseconds to wait for a new connection before failing (default 10,000). */
      connectionTimeoutMs?: number;
    }
  | {
      /**
       * A pool you created and configured (`new pg.Pool(...)`). Ballast does not end it on `close()`;
       * set `search_path` on it yourself (`options: "-c search_path=..."`) to use a schema.
       */
      pool: PostgresPool;
    };

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function toResult(result: PostgresQueryResult): DriverResult {
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length, command: result.command };
}

/** A statement with Ballast's decoders, forced onto the extended protocol so it behaves as on PGlite. */
function statement(sql: string, params: readonly SqlValue[]) {
  return { text: sql, values: params as unknown[], types: BALLAST_PG_TYPES, queryMode: "extended" as const };
}

class PostgresDriver implements DatabaseDriver {
  readonly dialect = "postgres" as const;
  readonly #pool: PostgresPool;
  readonly #owned: boolean;

  constructor(pool: PostgresPool, owned: boolean) {
    this.#pool = pool;
    this.#owned = owned;
  }

  async query(sql: string, params: readonly SqlValue[]): Promise<DriverResult> {
    return toResult(await this.#pool.query(statement(sql, params)));
  }

  async acquire(): Promise<LeasedConnection> {
    const client: PostgresPoolClient = await this.#pool.connect();
    let released = false;
    return {
      query: async (sql, params) => toResult(await client.query(statement(sql, params))),
      exec: async (script) => {
        // Without parameters `pg` uses the simple protocol, which runs a multi-statement script.
        await client.query({ text: script });
      },
      release: (broken) => {
        if (released) return;
        released = true;
        client.release(broken);
      },
    };
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#pool.end();
  }
}

/**
 * Opens the metadata database on a PostgreSQL server through a `pg` connection pool. Every connection
 * and statement is independent, so many processes can share one database; migrations take an
 * advisory lock so concurrent start-ups apply each migration once.
 *
 * Statement errors become `DATABASE_ERROR`, with `retryable: true` for serialization failures,
 * deadlocks and lost connections and the SQLSTATE in `details.sqlstate`.
 *
 * @throws BallastError `CONFIG_INVALID` for an invalid schema name or pool size. Connecting is lazy:
 *   an unreachable server fails the first statement with a retryable `DATABASE_ERROR`.
 * @example
 * import { createPostgresDatabase } from "@ballast/core/postgres";
 * await using db = createPostgresDatabase({ url: "postgres://ballast@localhost:5432/ballast", poolSize: 20 });
 * await db.migrate({ package: "tracking", migrations });
 */
export function createPostgresDatabase(options: PostgresDatabaseOptions): MetadataDatabase {
  if ("pool" in options) return new DriverDatabase(new PostgresDriver(options.pool, false));
  const { url, poolSize = 10, schema, connectionTimeoutMs = 10_000 } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new BallastError("CONFIG_INVALID", `Invalid PostgreSQL schema name ${JSON.stringify(schema)}.`, {
      hint: "Use letters, digits, _ and $, starting with a letter or _ (an unquoted identifier).",
      details: { schema },
    });
  }
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new BallastError("CONFIG_INVALID", `Invalid PostgreSQL pool size ${poolSize}.`, {
      hint: "Use a whole number of at least 1.",
      details: { poolSize },
    });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectionTimeoutMs,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection the server drops is removed by the pool and replaced on the next checkout; the
  // listener only keeps Node from treating that event as an unhandled error and exiting.
  pool.on("error", () => undefined);
  return new DriverDatabase(new PostgresDriver(pool, true));
}
