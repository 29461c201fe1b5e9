import { BallastError, importPeer } from "../errors/index.js";
import type { GcsBlobStoreOptions } from "./gcs/gcs-blob-store.js";
import { createLocalBlobStore, type LocalBlobStoreOptions } from "./local/local-blob-store.js";
import type { S3BlobStoreOptions } from "./s3/s3-blob-store.js";
import type { BlobStore } from "./types.js";

/** Options for {@link openBlobStore} besides the URI; each applies to its backend only. */
export interface OpenBlobStoreOptions {
  local?: LocalBlobStoreOptions;
  /** S3 settings the URI cannot carry, such as your own client or credentials. */
  s3?: Omit<S3BlobStoreOptions, "bucket" | "prefix">;
  /** GCS settings the URI cannot carry, such as your own `Storage` or a key file. */
  gcs?: Omit<GcsBlobStoreOptions, "bucket" | "prefix">;
}

// Specifiers in variables: the bundler leaves them alone, so the root bundle neither inlines the
// sub-path nor hoists its peers into a static import; Node resolves them through the package's
// `exports` at call time.
const S3_ENTRY = "@ballast/core/s3";
const GCS_ENTRY = "@ballast/core/gcs";
const S3_PEERS = ["@aws-sdk/client-s3", "@aws-sdk/lib-storage"];
const GCS_PEERS = ["@google-cloud/storage"];

/**
 * Opens a blob store from a URI: `file:///abs/dir`, `file://relative/dir` or a plain directory path
 * for the local filesystem; `s3://bucket/prefix?endpoint=...&forcePathStyle=true&region=...` for S3
 * and S3-compatible servers; `gs://bucket/prefix?endpoint=...&projectId=...` for GCS. S3 and GCS load
 * `@ballast/core/s3` or `@ballast/core/gcs` on demand, so a program that never opens them never loads
 * their SDKs.
 *
 * @throws BallastError `DEPENDENCY_MISSING` naming the package to install when a URI needs an SDK
 * that is not installed; `URI_SCHEME_UNKNOWN` for another scheme; `CONFIG_INVALID` for a malformed URI.
 *
 * @example
 * await using artifacts = await openBlobStore(process.env.ARTIFACTS ?? "file://.ballast/artifacts");
 */
export async function openBlobStore(uri: string, options: OpenBlobStoreOptions = {}): Promise<BlobStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  // One-letter "schemes" are Windows drive letters (C:\data), i.e. paths.
  if (scheme === undefined || scheme === "file" || scheme.length === 1) {
    return createLocalBlobStore(uri, options.local);
  }
  if (scheme === "s3") {
    const { createS3BlobStore } = await loadEntry<typeof import("../s3.js")>(
      S3_ENTRY,
      S3_PEERS,
      "S3 blob storage",
    );
    return createS3BlobStore(uri, options.s3);
  }
  if (scheme === "gs") {
    const { createGcsBlobStore } = await loadEntry<typeof import("../gcs.js")>(
      GCS_ENTRY,
      GCS_PEERS,
      "Google Cloud Storage blob storage",
    );
    return createGcsBlobStore(uri, options.gcs);
  }
  throw new BallastError("URI_SCHEME_UNKNOWN", `Unknown blob store URI "${uri}".`, {
    hint: "Use file://<directory>, s3://bucket/prefix or gs://bucket/prefix.",
    details: { uri },
  });
}

/**
 * Loads a sub-path entry after checking each of its peers on its own, so a missing one is reported
 * by name rather than as a failure of the entry.
 */
async function loadEntry<T>(entry: string, peers: readonly string[], feature: string): Promise<T> {
  for (const peer of peers) await importPeer(peer, feature, () => import(peer));
  return (await import(entry)) as T;
}
