// `@ballast/core/postgres`: the PostgreSQL metadata database. This entry imports the optional peer
// `pg`; the root entry reaches it only through a dynamic import in openMetadataDatabase().
export {
  createPostgresDatabase,
  type PostgresDatabaseOptions,
} from "./metadata-db/postgres/postgres-database.js";
export type {
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryConfig,
  PostgresQueryResult,
} from "./metadata-db/postgres/postgres-pool.js";
