/**
 * The backend matrix every tracking suite runs on: PGlite always; PostgreSQL, S3 and GCS when their
 * services are configured (and required under CI=true, see test-support/services.ts). Each call to
 * `open()` returns a context in a fresh workspace id, so tests sharing one database never see each
 * other's rows — the same tenancy isolation users get.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BlobStore,
  createLocalBlobStore,
  createPGliteDatabase,
  type MetadataDatabase,
  newId,
  openBlobStore,
} from "@ballast/core";
import { serviceUrl } from "../../../test-support/services.js";
import { lazy, openPostgresTestSchema } from "../../../test-support/test-databases.js";
import { openTrackingContext, type TrackingContext } from "../src/tracking-context.js";

export interface TrackingBackendCase {
  name: string;
  /** A context in a new workspace id on this case's (shared, lazily opened) backends. */
  open(): Promise<TrackingContext>;
  /** The raw database of this case, for tests that inspect rows. */
  database(): Promise<MetadataDatabase>;
}

const postgresUrl = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");
const s3Endpoint = serviceUrl("BALLAST_TEST_S3_ENDPOINT", "S3");
const gcsEndpoint = serviceUrl("BALLAST_TEST_GCS_ENDPOINT", "GCS");

const pglite = lazy(() => createPGliteDatabase({}));
const postgres = lazy(() => openPostgresTestSchema(postgresUrl!, "tracking_test"));
const localBlobs = lazy(async () => createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-tracking-"))));

// moto accepts any credentials; static ones keep the SDK from searching the machine for real ones.
const s3Credentials = { accessKeyId: "ballast-test", secretAccessKey: "ballast-test" };

function bucketStore(scheme: "s3" | "gs", endpoint: string): () => Promise<BlobStore> {
  return lazy(async () => {
    const bucket = `ballast-tracking-${newId().replaceAll("-", "").slice(-12)}`;
    if (scheme === "s3") {
      const { CreateBucketCommand, S3Client } = await import("@aws-sdk/client-s3");
      const client = new S3Client({
        endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: s3Credentials,
      });
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      client.destroy();
      return openBlobStore(
        `s3://${bucket}/artifacts?endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true`,
        {
          s3: { credentials: s3Credentials, region: "us-east-1" },
        },
      );
    }
    const { Storage } = await import("@google-cloud/storage");
    await new Storage({ apiEndpoint: endpoint, projectId: "ballast-test" }).createBucket(bucket);
    return openBlobStore(
      `gs://${bucket}/artifacts?endpoint=${encodeURIComponent(endpoint)}&projectId=ballast-test`,
    );
  });
}

function backendCase(name: string, db: () => Promise<MetadataDatabase>, blobs: () => Promise<BlobStore>) {
  return {
    name,
    database: db,
    open: async () =>
      openTrackingContext({
        metadata: await db(),
        artifacts: await blobs(),
        workspace: `t-${newId().replaceAll("-", "").slice(-16)}`,
      }),
  } satisfies TrackingBackendCase;
}

/** Every backend combination available in this environment. */
export function trackingBackends(): TrackingBackendCase[] {
  const cases = [backendCase("pglite + local files", pglite, localBlobs)];
  if (postgresUrl) cases.push(backendCase("postgres + local files", postgres, localBlobs));
  if (postgresUrl && s3Endpoint)
    cases.push(backendCase("postgres + s3", postgres, bucketStore("s3", s3Endpoint)));
  if (gcsEndpoint) cases.push(backendCase("pglite + gcs", pglite, bucketStore("gs", gcsEndpoint)));
  return cases;
}
