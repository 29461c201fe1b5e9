import { Kafka, type LogEntry, logLevel } from "kafkajs";
import { BallastError } from "../../errors/index.js";
import type { EventStream } from "../types.js";
import type { KafkaClientLike } from "./kafka-client.js";
import { KafkaEventStream, type KafkaEventStreamSettings } from "./kafka-event-stream.js";

/** A pino-compatible logger subset; kafkajs's log lines go to it, and nowhere when absent. */
export interface KafkaLogger {
  error(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
  debug(details: Record<string, unknown>, message: string): void;
}

export interface KafkaEventStreamOptions extends Partial<KafkaEventStreamSettings> {
  /** `kafka://host:9092,host2:9092`, or broker addresses. Ignored when `client` is given. */
  brokers?: string | readonly string[];
  /** Your own kafkajs `Kafka` instance (or a structurally equal client); not closed by `close()`. */
  client?: KafkaClientLike;
  /** Client id shown in broker logs and metrics, default `"ballast"`. */
  clientId?: string;
  logger?: KafkaLogger;
}

function parseBrokers(brokers: string | readonly string[] | undefined): string[] {
  const list =
    typeof brokers === "string" ? brokers.replace(/^kafka:\/\//i, "").split(",") : [...(brokers ?? [])];
  const cleaned = list.map((b) => b.trim().replace(/\/+$/, "")).filter(Boolean);
  if (cleaned.length === 0) {
    throw new BallastError("CONFIG_INVALID", "The Kafka event stream needs at least one broker.", {
      hint: 'Pass brokers: "kafka://host:9092,host2:9092" or a kafkajs client.',
    });
  }
  return cleaned;
}

function logCreator(logger: KafkaLogger | undefined) {
  return () =>
    ({ level, log }: LogEntry) => {
      if (!logger) return;
      const { message, ...details } = log;
      const method =
        level <= logLevel.ERROR
          ? "error"
          : level === logLevel.WARN
            ? "warn"
            : level === logLevel.INFO
              ? "info"
              : "debug";
      logger[method](details, message);
    };
}

/**
 * Opens the event stream over Apache Kafka (kafkajs): an idempotent producer with `acks=all`, an
 * admin client for topics, and one kafkajs consumer per `consume`. kafkajs logs nothing unless a
 * `logger` is given. Fails with `STREAM_ERROR` (retryable) when no broker answers.
 *
 * @example
 * import { createKafkaEventStream } from "@ballast/core/kafka";
 * await using stream = await createKafkaEventStream({ brokers: "kafka://127.0.0.1:9092" });
 */
export async function createKafkaEventStream(options: KafkaEventStreamOptions): Promise<EventStream> {
  const ownClient = options.client === undefined;
  const brokers = ownClient ? parseBrokers(options.brokers) : [];
  const client: KafkaClientLike =
    options.client ??
    (new Kafka({
      clientId: options.clientId ?? "ballast",
      brokers,
      logLevel: options.logger ? logLevel.INFO : logLevel.NOTHING,
      logCreator: logCreator(options.logger),
    }) as unknown as KafkaClientLike);
  const { brokers: _brokers, client: _client, clientId: _clientId, logger: _logger, ...settings } = options;
  return KafkaEventStream.connect(client, {
    ...settings,
    uri: options.uri ?? (ownClient ? `kafka://${brokers.join(",")}` : "kafka://(client)"),
  });
}
