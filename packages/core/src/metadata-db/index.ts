export { type InsertRowsOptions, insertRows, MAX_BIND_PARAMETERS } from "./insert-rows.js";
export { type MetadataUri, parseMetadataUri } from "./metadata-uri.js";
export { MIGRATIONS_TABLE } from "./migrator.js";
export { type OpenMetadataDatabaseOptions, openMetadataDatabase } from "./open-metadata-database.js";
export { createPGliteDatabase, type PGliteDatabaseOptions } from "./pglite/pglite-database.js";
export { quoteIdentifier } from "./quote-identifier.js";
export type {
  MetadataDatabase,
  MetadataQueryable,
  MetadataTransaction,
  MigrateOptions,
  Migration,
  MigrationProgressEvent,
  MigrationReport,
  MigrationSet,
  QueryResult,
  SqlValue,
} from "./types.js";
