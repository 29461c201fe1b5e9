import { describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { eventStreamContract } from "../../src/event-stream/contract.js";
import { createKafkaEventStream } from "../../src/kafka.js";

const brokers = serviceUrl("BALLAST_TEST_KAFKA_BROKERS", "Kafka");

describe.skipIf(!brokers)("Kafka event stream", () => {
  eventStreamContract("kafka", () => createKafkaEventStream({ brokers: brokers! }));

  it("fails fast with STREAM_ERROR when no broker answers", async () => {
    const { Kafka, logLevel } = await import("kafkajs");
    const client = new Kafka({
      brokers: ["127.0.0.1:1"],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
      connectionTimeout: 200,
    });
    await expect(createKafkaEventStream({ client })).rejects.toMatchObject({ code: "STREAM_ERROR" });
  });
});
