import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { BallastError } from "../../errors/ballast-error.js";
import { acquireLockFile, describeLockOwner, type HeldLock } from "../../lock/lock-file.js";
import { toDatabaseError } from "../database-error.js";
import type { DatabaseDriver, DriverResult, LeasedConnection } from "../driver.js";
import { DriverDatabase } from "../driver-database.js";
import { Mutex } from "../mutex.js";
import type { MetadataDatabase, SqlValue } from "../types.js";
import { decodeDate, decodeInt8, decodeTimestampWithoutTimeZone, PG_OID } from "../value-decoders.js";

/** Options of {@link createPGliteDatabase}. */
export interface PGliteDatabaseOptions {
  /**
   * Directory that holds the database, created (with its parents) when missing. Omit it for an
   * in-memory database that disappears on `close()`.
   */
  dataDir?: string;
  /** Further PGlite options (extensions, `relaxedDurability`, ...); Ballast sets the data directory and column decoders. */
  pglite?: Omit<PGliteOptions, "dataDir" | "parsers" | "fs">;
}

const PARSERS = {
  [PG_OID.int8]: decodeInt8,
  [PG_OID.timestamp]: decodeTimestampWithoutTimeZone,
  [PG_OID.date]: decodeDate,
};

/**
 * PGlite has a single session, so the driver owns one mutex: an autocommit statement takes it for one
 * statement, a transaction for its whole length. Concurrent callers queue instead of interleaving.
 */
class PGliteDriver implements DatabaseDriver {
  readonly dialect = "pglite" as const;
  readonly #pg: PGlite;
  readonly #mutex = new Mutex();
  readonly #lock: HeldLock | undefined;

  constructor(pg: PGlite, lock: HeldLock | undefined) {
    this.#pg = pg;
    this.#lock = lock;
  }

  query(sql: string, params: readonly SqlValue[]): Promise<DriverResult> {
    return this.#mutex.run(() => this.#run(sql, params));
  }

  async acquire(): Promise<LeasedConnection> {
    const unlock = await this.#mutex.lock();
    let released = false;
    return {
      query: (sql, params) => this.#run(sql, params),
      exec: async (script) => {
        await this.#pg.exec(script);
      },
      release: () => {
        if (released) return;
        released = true;
        unlock();
      },
    };
  }

  async close(): Promise<void> {
    try {
      await this.#mutex.run(() => this.#pg.close());
    } finally {
      await this.#lock?.release();
    }
  }

  async #run(sql: string, params: readonly SqlValue[]): Promise<DriverResult> {
    const result = await this.#pg.query<Record<string, unknown>>(sql, params as SqlValue[]);
    return {
      rows: result.rows,
      rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
      command: result.command,
    };
  }
}

/**
 * Opens the embedded metadata database: PGlite (PostgreSQL compiled to WebAssembly) in a local
 * directory, or in memory. It runs unchanged in Node.js and Deno and needs no server.
 *
 * One process at a time may open a directory: a lock file beside it (`<dataDir>.lock`) enforces this,
 * because PGlite does not, and two engines on one directory corrupt it. Use PostgreSQL
 * (`@ballast/core/postgres`) when several processes share metadata.
 *
 * @throws BallastError `DATABASE_LOCKED` when the directory is open elsewhere; `DATABASE_ERROR` when
 *   PGlite cannot start (for example a directory written by an incompatible PGlite version).
 * @example
 * await using db = await createPGliteDatabase({ dataDir: ".ballast/db" });
 * await db.migrate({ package: "tracking", migrations });
 */
export async function createPGliteDatabase(options: PGliteDatabaseOptions = {}): Promise<MetadataDatabase> {
  let lock: HeldLock | undefined;
  let dataDir: string | undefined;
  if (options.dataDir !== undefined) {
    dataDir = resolve(options.dataDir);
    await mkdir(dirname(dataDir), { recursive: true });
    const directory = dataDir;
    lock = await acquireLockFile(`${directory}.lock`, {
      // PGlite does not stop a second engine from opening the directory, and two engines corrupt it.
      onHeld: (owner, path) =>
        new BallastError(
          "DATABASE_LOCKED",
          `The PGlite database at ${directory} is already open by ${describeLockOwner(owner)}. PGlite allows one process per data directory.`,
          {
            hint: `Close the other process or database first, or use a PostgreSQL server (postgres://) when several processes share metadata. If no process is using it, delete ${path}.`,
            details: { dataDir: directory, lockFile: path, ...(owner ? { owner } : {}) },
          },
        ),
    });
  }
  try {
    const pg = await PGlite.create({
      ...options.pglite,
      ...(dataDir === undefined ? {} : { dataDir }),
      parsers: PARSERS,
    });
    return new DriverDatabase(new PGliteDriver(pg, lock));
  } catch (error) {
    await lock?.release();
    throw toDatabaseError(error, "-- starting PGlite");
  }
}
