import { importPeer } from "../errors/dependency-missing-error.js";
import { parseMetadataUri } from "./metadata-uri.js";
import { createPGliteDatabase } from "./pglite/pglite-database.js";
import type { MetadataDatabase } from "./types.js";

/**
 * The published sub-path, imported by name so the root bundle never contains `pg` or the code that
 * imports it. Held in a variable so neither TypeScript nor the bundler resolves it at build time; the
 * type comes from the source entry it is built from.
 */
const POSTGRES_ENTRY = "@ballast/core/postgres";

/** Options of {@link openMetadataDatabase} that apply when the URI is `postgres://`. */
export interface OpenMetadataDatabaseOptions {
  /** Most connections the pool opens (PostgreSQL only; default 10). */
  poolSize?: number;
  /** Schema for Ballast's tables: sets `search_path` on every connection (PostgreSQL only). */
  schema?: string;
}

/**
 * Opens the metadata database a URI names: `pglite://<dir>` or `pglite://memory` for the embedded
 * default, `postgres://...` for a PostgreSQL server. PostgreSQL support is loaded on demand from
 * `@ballast/core/postgres`, so the optional `pg` package is needed only when it is used.
 *
 * @throws BallastError `URI_SCHEME_UNKNOWN` for another scheme; `DEPENDENCY_MISSING` naming `pg` when a
 *   `postgres://` URI is given and `pg` is not installed; `DATABASE_LOCKED` or `DATABASE_ERROR` as the
 *   backend reports.
 * @example
 * await using db = await openMetadataDatabase(process.env.BALLAST_METADATA ?? "pglite://.ballast/db");
 */
export async function openMetadataDatabase(
  uri: string,
  options: OpenMetadataDatabaseOptions = {},
): Promise<MetadataDatabase> {
  const parsed = parseMetadataUri(uri);
  if (parsed.kind === "pglite") {
    return createPGliteDatabase(parsed.dataDir === undefined ? {} : { dataDir: parsed.dataDir });
  }
  const { createPostgresDatabase } = await importPeer(
    "pg",
    "The PostgreSQL metadata database (postgres:// URIs)",
    () => import(POSTGRES_ENTRY) as Promise<typeof import("../postgres.js")>,
  );
  return createPostgresDatabase({ url: parsed.url, ...options });
}
