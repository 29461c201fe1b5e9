export {
  createEmbeddedOnlineStore,
  type EmbeddedOnlineStore,
  type EmbeddedOnlineStoreOptions,
} from "./embedded/embedded-online-store.js";
export { type EntityKeyValue, serializeEntityKey } from "./entity-key.js";
export { OnlineStoreError, type OnlineStoreErrorCode } from "./online-store-error.js";
export { type OpenOnlineStoreOptions, openOnlineStore } from "./open-online-store.js";
export type {
  OnlineEntry,
  OnlineReadRequest,
  OnlineReadResult,
  OnlineRecord,
  OnlineStore,
  OnlineValue,
  OnlineViewRef,
  OnlineWriteRequest,
  OnlineWriteResult,
} from "./types.js";
export { decodeValue, encodeValue, normalizeValue } from "./value-codec.js";
