/**
 * `@ballast/core/s3`: blob storage on S3 and S3-compatible servers. A separate entry point so that
 * only programs that import it load `@aws-sdk/client-s3` and `@aws-sdk/lib-storage` (optional peers).
 */
export {
  createS3BlobStore,
  parseS3Uri,
  type S3BlobStoreOptions,
  type S3ClientLike,
} from "./blob-store/s3/s3-blob-store.js";
