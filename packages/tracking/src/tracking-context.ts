import {
  BallastError,
  type BlobStore,
  type Clock,
  type Logger,
  type MetadataDatabase,
  silentLogger,
  systemClock,
  type Workspace,
} from "@ballast/core";
import { trackingMigrations } from "./schema/migrations.js";

/** Explicit backends for tracking, for callers that do not use a workspace. */
export interface TrackingBackends {
  metadata: MetadataDatabase;
  artifacts: BlobStore;
  /** Workspace (tenant) id stored with every row (default `"default"`). */
  workspace?: string;
  clock?: Clock;
  logger?: Logger;
}

/** What every tracking and registry module works with: migrated backends and the tenant. */
export interface TrackingContext {
  readonly db: MetadataDatabase;
  readonly blobs: BlobStore;
  readonly workspaceId: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

const WORKSPACE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const migrated = new WeakMap<MetadataDatabase, Promise<unknown>>();

function isWorkspace(source: Workspace | TrackingBackends): source is Workspace {
  return typeof (source as Workspace).metadata === "function";
}

/**
 * Resolves the backends and applies the tracking migrations (once per database per process).
 *
 * @throws BallastError `CONFIG_INVALID` for a workspace id that is not a slug; the database's
 *   `MIGRATION_FAILED` unchanged.
 */
export async function openTrackingContext(source: Workspace | TrackingBackends): Promise<TrackingContext> {
  const context: TrackingContext = isWorkspace(source)
    ? {
        db: await source.metadata(),
        blobs: await source.artifacts(),
        workspaceId: source.name,
        clock: source.clock,
        logger: source.logger.child({ package: "tracking" }),
      }
    : {
        db: source.metadata,
        blobs: source.artifacts,
        workspaceId: source.workspace ?? "default",
        clock: source.clock ?? systemClock,
        logger: source.logger ?? silentLogger,
      };
  if (!WORKSPACE_ID.test(context.workspaceId)) {
    throw new BallastError("CONFIG_INVALID", `Invalid workspace id ${JSON.stringify(context.workspaceId)}.`, {
      hint: "Use lowercase letters, digits, '_' or '-', at most 63 characters.",
    });
  }
  let migration = migrated.get(context.db);
  if (!migration) {
    migration = context.db.migrate(trackingMigrations);
    migrated.set(context.db, migration);
    migration.catch(() => migrated.delete(context.db));
  }
  await migration;
  return context;
}
