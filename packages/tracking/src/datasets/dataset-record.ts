import type { DatasetProfile } from "./column-profile.js";
import type { DatasetSchema } from "./dataset-schema.js";

/** A dataset as recorded in the workspace: one row per distinct (name, digest). */
export interface DatasetRecord {
  id: string;
  name: string;
  /** Hex sha256: of the Parquet file's bytes, or of an in-memory table's Arrow IPC stream. */
  digest: string;
  /** Where the data came from, when known (the Parquet file's URI by default). */
  sourceUri?: string;
  schema: DatasetSchema;
  rowCount: number;
  profile: DatasetProfile;
  /** When this (name, digest) was first logged. */
  createdAt: Date;
}

/** The columns every dataset query selects, in the shape {@link toDatasetRecord} reads. */
export const DATASET_COLUMNS = "id, name, digest, source_uri, schema, row_count, profile, created_at";

/** A `tracking_datasets` row as selected with {@link DATASET_COLUMNS}. */
export interface DatasetTableRow {
  id: string;
  name: string;
  digest: string;
  source_uri: string | null;
  schema: DatasetSchema;
  row_count: number;
  profile: DatasetProfile;
  created_at: Date;
}

/** Maps a database row to the public record. */
export function toDatasetRecord(row: DatasetTableRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    digest: row.digest,
    ...(row.source_uri === null ? {} : { sourceUri: row.source_uri }),
    schema: row.schema,
    rowCount: row.row_count,
    profile: row.profile,
    createdAt: row.created_at,
  };
}
