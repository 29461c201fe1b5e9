/**
 * `@ballast/core/gcs`: blob storage on Google Cloud Storage. A separate entry point so that only
 * programs that import it load `@google-cloud/storage` (an optional peer).
 */
export {
  createGcsBlobStore,
  type GcsBlobStoreOptions,
  type GcsStorageLike,
  parseGcsUri,
} from "./blob-store/gcs/gcs-blob-store.js";
