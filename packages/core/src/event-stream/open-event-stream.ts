import { BallastError, importPeer } from "../errors/index.js";
import { createLogEventStream, type LogEventStreamOptions } from "./log/log-event-stream.js";
import type { EventStream } from "./types.js";

/**
 * The published sub-path, imported by name at run time so the root bundle never contains kafkajs.
 * Held in a variable so neither TypeScript nor the bundler resolves it at build time.
 */
const KAFKA_ENTRY = "@ballast/core/kafka";

/** Options for `openEventStream` besides the URI; each applies to its backend only. */
export interface OpenEventStreamOptions {
  /** Embedded log settings (fsync policy, segment size, read-only). */
  log?: Omit<LogEventStreamOptions, "path">;
  /** Kafka client id (default `"ballast"`). */
  kafkaClientId?: string;
}

/**
 * Opens an event stream from a URI: `log://<dir>` (relative or absolute path) for the embedded log,
 * `kafka://host:9092[,host2:9092]` for Apache Kafka. Kafka loads `@ballast/core/kafka` on demand, so
 * without `kafkajs` installed only a Kafka URI fails, with `DEPENDENCY_MISSING`. Another scheme fails
 * with `URI_SCHEME_UNKNOWN`.
 *
 * @example
 * await using stream = await openEventStream("log://.ballast/streams");
 */
export async function openEventStream(
  uri: string,
  options: OpenEventStreamOptions = {},
): Promise<EventStream> {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? "";
  if (scheme === "log") {
    if (!rest) throw new BallastError("CONFIG_INVALID", `The event log URI "${uri}" names no directory.`);
    return createLogEventStream({ ...options.log, path: decodeURIComponent(rest) });
  }
  if (scheme === "kafka") {
    // Through the package's own sub-path, so bundles keep kafkajs out of the root entry; the type
    // comes from the source file, which is not loaded at runtime.
    const { createKafkaEventStream } = await importPeer(
      "kafkajs",
      "The Kafka event stream",
      () => import(KAFKA_ENTRY) as Promise<typeof import("../kafka.js")>,
    );
    return createKafkaEventStream({
      brokers: uri,
      ...(options.kafkaClientId ? { clientId: options.kafkaClientId } : {}),
    });
  }
  throw new BallastError("URI_SCHEME_UNKNOWN", `Unknown event stream URI "${uri}".`, {
    hint: "Use log://<directory> or kafka://host:9092[,host2:9092].",
  });
}
