import type { BlobStore } from "../blob-store/types.js";
import type { BallastConfig } from "../config/config-schema.js";
import { type LoadConfigOptions, loadConfig, type ResolvedConfig } from "../config/load-config.js";
import type { EventStream } from "../event-stream/types.js";
import { type Logger, silentLogger } from "../logger/logger.js";
import type { MetadataDatabase } from "../metadata-db/types.js";
import { type Clock, systemClock } from "../time/clock.js";
import { BackendSlot } from "./backend-slot.js";
import { backendOpeners } from "./open-backends.js";

/** Options of {@link openWorkspace} besides the configuration itself. */
export interface OpenWorkspaceOptions extends Omit<LoadConfigOptions, "overrides"> {
  /** Where the library logs (default: nowhere). A pino logger fits. */
  logger?: Logger;
  /** The time source (default: the system clock); pass a manual clock in tests. */
  clock?: Clock;
}

/**
 * The backends of one configuration, opened lazily: a program that only reads Parquet never starts
 * the metadata database or connects to Kafka. Each accessor opens its backend on first use and
 * returns the same instance afterwards; a failed open is not cached, so the next call retries.
 */
export interface Workspace extends AsyncDisposable {
  /** Workspace (tenant) id; every package stores it with its rows. */
  readonly name: string;
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The metadata database (PGlite or PostgreSQL). */
  metadata(): Promise<MetadataDatabase>;
  /** Blob storage for artifacts and Parquet (local files, S3 or GCS). */
  artifacts(): Promise<BlobStore>;
  /** Event streams (the local log or Kafka). */
  stream(): Promise<EventStream>;
  /** Closes every backend opened so far; further accessor calls fail with `RESOURCE_CLOSED`. */
  close(): Promise<void>;
}

/**
 * Opens a workspace: loads the configuration (file, then `BALLAST_*` variables, then `config`) and
 * resolves each backend from its URI when first used.
 *
 * @throws ConfigError `CONFIG_INVALID` for a bad configuration (at once, before anything opens).
 * @throws BallastError `DEPENDENCY_MISSING` from an accessor when the backend's peer is not installed.
 * @example
 * await using workspace = await openWorkspace({ metadata: "pglite://memory" });
 * const db = await workspace.metadata();
 */
export async function openWorkspace(
  config: BallastConfig = {},
  options: OpenWorkspaceOptions = {},
): Promise<Workspace> {
  const { logger = silentLogger, clock = systemClock, ...loadOptions } = options;
  const resolved = await loadConfig({ ...loadOptions, overrides: config });
  const open = backendOpeners(resolved);
  const metadata = new BackendSlot("metadata database", open.metadata);
  const artifacts = new BackendSlot("blob store", open.artifacts);
  const stream = new BackendSlot("event stream", open.stream);
  const slots = [metadata, artifacts, stream];
  const close = async () => {
    const results = await Promise.allSettled(slots.map((slot) => slot.close()));
    const failure = results.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
  };
  return {
    name: resolved.workspace,
    config: resolved,
    logger,
    clock,
    metadata: () => metadata.get(),
    artifacts: () => artifacts.get(),
    stream: () => stream.get(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
