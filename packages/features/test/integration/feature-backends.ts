/**
 * The backend matrix of the feature store suite: metadata on PGlite always and on PostgreSQL when
 * configured; online on the embedded store always and on Redis when configured (both required under
 * CI=true, see test-support/services.ts). Each `open()` gives a store in a fresh workspace id with its
 * own blob folder and online key prefix, so tests sharing one database or one Redis never see each
 * other's rows.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BlobStore,
  type Clock,
  createLocalBlobStore,
  createPGliteDatabase,
  type MetadataDatabase,
  newId,
} from "@ballast/core";
import { serviceUrl } from "../../../../test-support/services.js";
import { lazy, openPostgresTestSchema } from "../../../../test-support/test-databases.js";
import type { Definition } from "../../src/definitions/definition.js";
import { createEmbeddedOnlineStore } from "../../src/online-store/embedded/embedded-online-store.js";
import { createRedisOnlineStore } from "../../src/online-store/redis/create-redis-online-store.js";
import type { OnlineStore } from "../../src/online-store/types.js";
import { type FeatureStore, openFeatureStore } from "../../src/store/feature-store.js";

export interface FeatureBackendCase {
  name: string;
  /** A store in a new workspace on this case's backends, plus its raw parts for inspection. */
  open(options: { clock: Clock; definitions?: readonly Definition[] }): Promise<OpenedStore>;
  database(): Promise<MetadataDatabase>;
}

export interface OpenedStore {
  store: FeatureStore;
  workspaceId: string;
  blobs: BlobStore;
  online: OnlineStore;
  /** A second store on the same database, workspace, blobs and online store (a concurrent writer). */
  openAnother(): Promise<FeatureStore>;
  close(): Promise<void>;
}

const postgresUrl = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");
const redisUrl = serviceUrl("BALLAST_TEST_REDIS_URL", "Redis");

const pglite = lazy(() => createPGliteDatabase({}));
const postgres = lazy(() => openPostgresTestSchema(postgresUrl!, "features_test"));

type OnlineKind = "embedded" | "redis";

async function openOnline(kind: OnlineKind, id: string): Promise<OnlineStore> {
  if (kind === "embedded")
    return createEmbeddedOnlineStore({ path: mkdtempSync(join(tmpdir(), "ballast-online-")) });
  return createRedisOnlineStore({ url: redisUrl!, keyPrefix: `ballast-test:${id}:` });
}

function backendCase(
  name: string,
  db: () => Promise<MetadataDatabase>,
  onlineKind: OnlineKind,
): FeatureBackendCase {
  return {
    name,
    database: db,
    async open({ clock, definitions }) {
      const workspaceId = `f-${newId().replaceAll("-", "").slice(-16)}`;
      const metadata = await db();
      const blobs = await createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-features-")));
      const online = await openOnline(onlineKind, workspaceId);
      const make = () =>
        openFeatureStore({
          metadata,
          blobs,
          online,
          workspaceId,
          clock,
          ...(definitions ? { definitions } : {}),
        });
      const store = await make();
      const others: FeatureStore[] = [];
      return {
        store,
        workspaceId,
        blobs,
        online,
        async openAnother() {
          const other = await make();
          others.push(other);
          return other;
        },
        async close() {
          await store.close();
          for (const other of others) await other.close();
          await online.close();
          await blobs.close();
        },
      };
    },
  };
}

/** Every backend combination available here. */
export function featureBackends(): FeatureBackendCase[] {
  const cases = [backendCase("pglite + embedded", pglite, "embedded")];
  if (postgresUrl) cases.push(backendCase("postgres + embedded", postgres, "embedded"));
  if (redisUrl) cases.push(backendCase("pglite + redis", pglite, "redis"));
  if (postgresUrl && redisUrl) cases.push(backendCase("postgres + redis", postgres, "redis"));
  return cases;
}

/** Closes the shared databases (call in afterAll of the suite). */
export async function closeSharedDatabases(): Promise<void> {
  await (await pglite()).close();
  if (postgresUrl) await (await postgres()).close();
}
