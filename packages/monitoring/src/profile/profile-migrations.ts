import type { MigrationSet } from "@ballast/core";

/**
 * The profile store's table. Keyed by (workspace_id, name, version): versions of one name count up
 * from 1. `profile` holds {@link serializeProfile}'s bytes (checksummed); row and column counts are
 * copied out so listings need not decode profiles.
 *
 * Append-only: add a migration, never edit one that shipped (the migrator refuses changed checksums).
 */
export const profileMigrations: MigrationSet = {
  package: "monitoring_profiles",
  migrations: [
    {
      id: "0001_monitoring_profiles",
      sql: `
CREATE TABLE monitoring_profiles (
  workspace_id text NOT NULL,
  name text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  profile bytea NOT NULL,
  row_count double precision NOT NULL,
  column_count integer NOT NULL,
  tags jsonb NOT NULL DEFAULT '{}',
  profiled_at timestamptz NOT NULL,
  saved_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, name, version)
);
`,
    },
  ],
};
