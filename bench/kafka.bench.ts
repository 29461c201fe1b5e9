import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Message, type Producer } from "kafkajs";
import type { EventRecordInput } from "../packages/core/src/event-stream/types.js";
import { createKafkaEventStream } from "../packages/core/src/kafka.js";
import { runBench } from "./harness.js";

// The same batches (1,000 records of 200 bytes) through the Kafka event stream and through a bare
// kafkajs producer configured alike (idempotent, acks=all, one request in flight).
const brokersEnv = process.env.BALLAST_TEST_KAFKA_BROKERS;
if (!brokersEnv) {
  console.log(
    "kafka bench skipped: BALLAST_TEST_KAFKA_BROKERS is not set. Start Kafka with `npm run services:up`, then\n" +
      "  BALLAST_TEST_KAFKA_BROKERS=$(grep KAFKA .services/test.env | cut -d= -f2) npm run bench -- kafka",
  );
} else {
  const brokers = brokersEnv.replace(/^kafka:\/\//, "").split(",");
  const RECORDS = 1_000_000;
  const BATCH = 1_000;
  const VALUE_BYTES = 200;
  const topic = `bench-kafka-${randomUUID().slice(0, 8)}`;

  const payload = Buffer.alloc(RECORDS * VALUE_BYTES, 0x61);
  const batches: EventRecordInput[][] = [];
  const rawBatches: Message[][] = [];
  for (let b = 0; b < RECORDS / BATCH; b++) {
    const batch: EventRecordInput[] = [];
    const raw: Message[] = [];
    for (let i = 0; i < BATCH; i++) {
      const at = (b * BATCH + i) * VALUE_BYTES;
      const value = payload.subarray(at, at + VALUE_BYTES);
      batch.push({ value });
      raw.push({ value, partition: 0 });
    }
    batches.push(batch);
    rawBatches.push(raw);
  }

  const kafka = new Kafka({ clientId: "ballast-bench", brokers, logLevel: logLevel.NOTHING });
  const stream = await createKafkaEventStream({ client: kafka, uri: brokersEnv });
  await stream.createTopic(topic, { partitions: 1 });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    await runBench({
      name: "kafka",
      baseline: "raw kafkajs producer",
      unit: "records",
      iterations: 3,
      params: { brokers: brokersEnv, records: RECORDS, batch: BATCH, valueBytes: VALUE_BYTES, partitions: 1 },
      cases: [
        {
          name: "raw kafkajs producer",
          items: RECORDS,
          run: async () => {
            for (const messages of rawBatches) await producer.send({ topic, messages, acks: -1 });
          },
        },
        {
          name: "kafka event stream",
          items: RECORDS,
          run: async () => {
            for (const batch of batches) await stream.append(topic, batch);
          },
        },
      ],
    });
  } finally {
    await producer.disconnect();
    await stream.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
