import type { Clock, MetadataDatabase, MetadataQueryable } from "@ballast/core";
import type { Definition, DefinitionKind } from "../definitions/definition.js";
import { FeatureRegistryConflictError } from "../errors/feature-registry-conflict-error.js";
import { featuresMigrations } from "./migrations.js";
import type { RegistryObject } from "./object-spec.js";
import { planChanges } from "./plan-changes.js";
import { RegistryPlan } from "./registry-plan.js";
import { RegistrySnapshot, type StoredObject } from "./registry-snapshot.js";

/** What an apply did. */
export interface ApplyResult {
  /** The registry version after the apply (unchanged when there was nothing to do). */
  registryVersion: number;
  plan: RegistryPlan;
  /** The registry as it is after the apply. */
  snapshot: RegistrySnapshot;
}

interface ObjectRow {
  kind: DefinitionKind;
  name: string;
  version: number;
  spec: unknown;
  digest: string;
  revision: number;
  deleted: boolean;
}

const migrated = new WeakMap<MetadataDatabase, Promise<unknown>>();

/** Applies the features migrations once per database per process. */
export async function migrateFeatures(db: MetadataDatabase): Promise<void> {
  let migration = migrated.get(db);
  if (!migration) {
    migration = db.migrate(featuresMigrations);
    migrated.set(db, migration);
    migration.catch(() => migrated.delete(db));
  }
  await migration;
}

/**
 * The feature registry of one workspace in the metadata database: reads snapshots, plans and applies
 * definitions with optimistic versioning.
 */
export class FeatureRegistry {
  readonly #db: MetadataDatabase;
  readonly #workspaceId: string;
  readonly #clock: Clock;

  constructor(db: MetadataDatabase, workspaceId: string, clock: Clock) {
    this.#db = db;
    this.#workspaceId = workspaceId;
    this.#clock = clock;
  }

  /** Reads the whole registry (every version of every object) at one consistent version. */
  async load(db: MetadataQueryable = this.#db): Promise<RegistrySnapshot> {
    return db.transaction(async (tx) => {
      const state = await tx.query<{ version: string }>(
        "SELECT version::text AS version FROM features_registry_state WHERE workspace_id = $1",
        [this.#workspaceId],
      );
      const { rows } = await tx.query<ObjectRow>(
        `SELECT kind, name, version, spec, digest, revision, deleted_at IS NOT NULL AS deleted
         FROM features_objects WHERE workspace_id = $1`,
        [this.#workspaceId],
      );
      return new RegistrySnapshot(
        Number(state.rows[0]?.version ?? 0),
        rows.map((row) => ({ ...row, spec: row.spec }) as StoredObject),
      );
    });
  }

  /** What {@link apply} would do with these definitions against the current registry. */
  async plan(definitions: readonly Definition[]): Promise<RegistryPlan> {
    return planChanges(await this.load(), definitions);
  }

  /**
   * Applies definitions (planning them first) or a plan from {@link plan}, in one transaction: the
   * registry version moves from the planned one to the next, or nothing is written.
   *
   * @throws FeatureRegistryConflictError `FEATURE_REGISTRY_CONFLICT` when another apply committed
   *   since the plan was made; the errors of {@link planChanges}; database errors unchanged.
   */
  async apply(input: readonly Definition[] | RegistryPlan): Promise<ApplyResult> {
    const plan = input instanceof RegistryPlan ? input : await this.plan(input);
    if (!plan.hasChanges) {
      const snapshot = await this.load();
      // A plan given by the caller was reviewed against its version; definitions were just planned.
      if (input instanceof RegistryPlan && snapshot.version !== plan.registryVersion) {
        throw new FeatureRegistryConflictError(this.#workspaceId, plan.registryVersion, snapshot.version);
      }
      return { registryVersion: snapshot.version, plan, snapshot };
    }
    const now = new Date(this.#clock.now());
    const next = plan.registryVersion + 1;
    const snapshot = await this.#db.transaction(async (tx) => {
      // The compare-and-set: on PostgreSQL a concurrent apply blocks on the row (or the key) until the
      // first commits, then finds the version moved and writes nothing.
      const swapped =
        plan.registryVersion === 0
          ? await tx.query(
              `INSERT INTO features_registry_state (workspace_id, version, updated_at) VALUES ($1, 1, $2)
               ON CONFLICT (workspace_id) DO NOTHING`,
              [this.#workspaceId, now],
            )
          : await tx.query(
              `UPDATE features_registry_state SET version = version + 1, updated_at = $3
               WHERE workspace_id = $1 AND version = $2`,
              [this.#workspaceId, plan.registryVersion, now],
            );
      if (swapped.rowCount !== 1) {
        const actual = await tx.query<{ version: string }>(
          "SELECT version::text AS version FROM features_registry_state WHERE workspace_id = $1",
          [this.#workspaceId],
        );
        throw new FeatureRegistryConflictError(
          this.#workspaceId,
          plan.registryVersion,
          Number(actual.rows[0]?.version ?? 0),
        );
      }
      const objects = new Map<string, RegistryObject>(
        plan.objects.map((o) => [`${o.kind}/${o.name}/${o.version}`, o]),
      );
      for (const change of plan.changes) {
        const key = [this.#workspaceId, change.kind, change.name, change.version];
        if (change.action === "delete") {
          await tx.query(
            `UPDATE features_objects SET deleted_at = $5, registry_version = $6, updated_at = $5
             WHERE workspace_id = $1 AND kind = $2 AND name = $3 AND version = $4 AND deleted_at IS NULL`,
            [...key, now, next],
          );
        } else if (change.action === "create" || change.action === "update") {
          const object = objects.get(`${change.kind}/${change.name}/${change.version}`)!;
          await tx.query(
            `INSERT INTO features_objects
               (workspace_id, kind, name, version, spec, digest, revision, registry_version, created_at, updated_at, deleted_at)
             VALUES ($1, $2, $3, $4, $5::jsonb, $6, 1, $7, $8, $8, NULL)
             ON CONFLICT (workspace_id, kind, name, version) DO UPDATE SET
               spec = EXCLUDED.spec, digest = EXCLUDED.digest, revision = features_objects.revision + 1,
               registry_version = EXCLUDED.registry_version, updated_at = EXCLUDED.updated_at, deleted_at = NULL`,
            [...key, JSON.stringify(object.spec), object.digest, next, now],
          );
        }
      }
      return this.load(tx);
    });
    return { registryVersion: next, plan, snapshot };
  }
}
