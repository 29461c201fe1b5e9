import type { MigrationSet } from "@ballast/core";

/**
 * The monitors' tables, tracked as their own migration set (`monitoring-monitors`) so they evolve
 * apart from the profile store's set: the migrator records applied ids per set name.
 *
 * `monitoring_windows` holds one row per monitor and closed window, keyed by workspace id first like
 * every Ballast table. Window bounds are epoch milliseconds (`bigint`), compared numerically.
 * Append-only: add a migration, never edit one that shipped.
 */
export const monitorMigrations: MigrationSet = {
  package: "monitoring-monitors",
  migrations: [
    {
      id: "0001_monitoring_windows",
      sql: `
CREATE TABLE monitoring_windows (
  workspace_id text NOT NULL,
  monitor text NOT NULL,
  window_start bigint NOT NULL,
  window_end bigint NOT NULL,
  record_count integer NOT NULL,
  labelled_count integer NOT NULL,
  late_dropped integer NOT NULL DEFAULT 0,
  status text NOT NULL CHECK (status IN ('ok', 'alert', 'error')),
  results jsonb NOT NULL,
  alerts jsonb NOT NULL,
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, monitor, window_start, window_end)
);
CREATE INDEX monitoring_windows_recent ON monitoring_windows (workspace_id, monitor, window_end DESC);
`,
    },
  ],
};
