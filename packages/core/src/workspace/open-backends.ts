import { openBlobStore } from "../blob-store/open-blob-store.js";
import type { BlobStore } from "../blob-store/types.js";
import type { ResolvedConfig } from "../config/load-config.js";
import { openEventStream } from "../event-stream/open-event-stream.js";
import type { EventStream } from "../event-stream/types.js";
import { openMetadataDatabase } from "../metadata-db/open-metadata-database.js";
import type { MetadataDatabase } from "../metadata-db/types.js";

/** The opener of each backend a resolved configuration names. */
export interface BackendOpeners {
  metadata: () => Promise<MetadataDatabase>;
  artifacts: () => Promise<BlobStore>;
  stream: () => Promise<EventStream>;
}

/** Maps each configured URI to the resolver of its backend kind. */
export function backendOpeners(config: ResolvedConfig): BackendOpeners {
  return {
    metadata: () => openMetadataDatabase(config.metadata.uri),
    artifacts: () => openBlobStore(config.artifacts.uri),
    stream: () => openEventStream(config.stream.uri),
  };
}
