import type { MigrationSet } from "@ballast/core";

/**
 * The feature registry tables. Every table carries `workspace_id` (the tenant) first in its key, as
 * tracking's do, and every query filters on it.
 *
 * - `features_registry_state`: one row per workspace with the registry version, the optimistic lock
 *   every apply compares and increments.
 * - `features_objects`: every registered object version (entities, sources, views, transforms,
 *   services) as JSON specs. Rows are never removed: a deleted object is marked `deleted_at`, and an
 *   older view version stays readable beside newer ones.
 * - `features_watermarks`: per view version, the event time up to which materialization completed.
 * - `features_materializations`: one row per requested materialization interval, with how far it got,
 *   so a killed run resumes from its last committed chunk.
 *
 * Times are epoch milliseconds (`bigint`) where they are event times compared numerically.
 * Append-only: add a migration, never edit one that shipped.
 */
export const featuresMigrations: MigrationSet = {
  package: "features",
  migrations: [
    {
      id: "0001_registry",
      sql: `
CREATE TABLE features_registry_state (
  workspace_id text NOT NULL PRIMARY KEY,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE features_objects (
  workspace_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('entity', 'parquet-source', 'push-source', 'feature-view', 'transform', 'feature-service')),
  name text NOT NULL,
  version integer NOT NULL,
  spec jsonb NOT NULL,
  digest text NOT NULL,
  revision integer NOT NULL,
  registry_version bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz,
  PRIMARY KEY (workspace_id, kind, name, version)
);

CREATE TABLE features_watermarks (
  workspace_id text NOT NULL,
  view text NOT NULL,
  view_version integer NOT NULL,
  watermark_ms bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, view, view_version)
);

CREATE TABLE features_materializations (
  workspace_id text NOT NULL,
  view text NOT NULL,
  view_version integer NOT NULL,
  start_ms bigint NOT NULL,
  end_ms bigint NOT NULL,
  done_until_ms bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done')),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, view, view_version, start_ms, end_ms)
);
`,
    },
  ],
};
