export { assertValidKey, assertValidPrefix, compareKeys } from "./key.js";
export {
  createLocalBlobStore,
  LOCAL_RESERVED_DIR,
  type LocalBlobStoreOptions,
} from "./local/local-blob-store.js";
export { type OpenBlobStoreOptions, openBlobStore } from "./open-blob-store.js";
export type {
  BlobBody,
  BlobInfo,
  BlobStore,
  GetOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  RangeRead,
} from "./types.js";
