/**
 * Metadata databases for integration tests. Test files run in parallel processes against one shared
 * PostgreSQL server, so each process works in a schema of its own and never sees another's rows.
 */
import { type MetadataDatabase, newId, openMetadataDatabase, quoteIdentifier } from "@ballast/core";

/** Opens a database on `url` in a new schema named `<prefix>_<random>`. */
export async function openPostgresTestSchema(url: string, prefix: string): Promise<MetadataDatabase> {
  const schema = `${prefix}_${newId().replaceAll("-", "").slice(-12)}`;
  const admin = await openMetadataDatabase(url);
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  } finally {
    await admin.close();
  }
  return openMetadataDatabase(url, { schema });
}

/** Makes `make` run once, on first use, and shares its promise afterwards. */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
