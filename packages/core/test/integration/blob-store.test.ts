/**
 * The blob store contract against every backend: the local filesystem always, S3 (moto or any
 * S3-compatible server) and GCS (fake-gcs-server) when their endpoints are set. Each run creates its
 * own bucket, so parallel runs against one server never meet.
 */

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { blobStoreContract } from "../../src/blob-store/contract.js";
import { openBlobStore } from "../../src/blob-store/open-blob-store.js";
import { createGcsBlobStore } from "../../src/gcs.js";
import { createS3BlobStore } from "../../src/s3.js";

const s3Endpoint = serviceUrl("BALLAST_TEST_S3_ENDPOINT", "S3");
const gcsEndpoint = serviceUrl("BALLAST_TEST_GCS_ENDPOINT", "GCS");
// moto accepts any credentials; static ones keep the SDK from searching the machine for real ones.
const credentials = { accessKeyId: "ballast-test", secretAccessKey: "ballast-test" };
const runId = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

describe("local", () => {
  const roots: string[] = [];
  afterAll(async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  });
  blobStoreContract("local via openBlobStore", async () => {
    const root = await mkdtemp(join(tmpdir(), "ballast-blob-int-"));
    roots.push(root);
    return openBlobStore(`file://${root}`);
  });
});

describe.skipIf(!s3Endpoint)("S3", () => {
  const bucket = `ballast-blob-${runId}`;
  const client = new S3Client({
    endpoint: s3Endpoint!,
    region: "us-east-1",
    forcePathStyle: true,
    credentials,
  });
  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    await emptyS3Bucket(client, bucket);
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    client.destroy();
  });

  blobStoreContract("S3 with a prefix", () =>
    createS3BlobStore(`s3://${bucket}/contract/prefixed?endpoint=${s3Endpoint}&forcePathStyle=true`, {
      credentials,
    }),
  );
  blobStoreContract("S3 at the bucket root, with a caller's client", () =>
    createS3BlobStore({ bucket, client, partSize: 5 * 1024 * 1024 }),
  );

  it("openBlobStore resolves s3:// through the built @ballast/core/s3 entry", async () => {
    await using store = await openBlobStore(
      `s3://${bucket}/via-uri?endpoint=${s3Endpoint}&forcePathStyle=true`,
      {
        s3: { credentials },
      },
    );
    await store.put("x.txt", "hello");
    expect(Buffer.from(await store.getBytes("x.txt")).toString()).toBe("hello");
    expect(store.uri).toBe(`s3://${bucket}/via-uri`);
  });
});

describe.skipIf(!gcsEndpoint)("GCS", () => {
  const bucket = `ballast-blob-${runId}`;
  const storage = new Storage({ apiEndpoint: gcsEndpoint!, projectId: "ballast-test" });
  beforeAll(async () => {
    await storage.createBucket(bucket);
  });
  afterAll(async () => {
    await storage.bucket(bucket).deleteFiles({ force: true });
    await storage.bucket(bucket).delete();
  });

  blobStoreContract("GCS with a prefix", () =>
    createGcsBlobStore(`gs://${bucket}/contract/prefixed?endpoint=${gcsEndpoint}&projectId=ballast-test`),
  );
  blobStoreContract("GCS at the bucket root, with a caller's Storage", () =>
    createGcsBlobStore({ bucket, storage, resumableThreshold: 1024 * 1024 }),
  );

  it("openBlobStore resolves gs:// through the built @ballast/core/gcs entry", async () => {
    await using store = await openBlobStore(
      `gs://${bucket}/via-uri?endpoint=${gcsEndpoint}&projectId=ballast-test`,
    );
    await store.put("x.txt", "hello");
    expect(Buffer.from(await store.getBytes("x.txt")).toString()).toBe("hello");
  });
});

async function emptyS3Bucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((object) => object.Key!);
    if (keys.length === 0) return;
    await Promise.all(keys.map((Key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))));
  }
}
