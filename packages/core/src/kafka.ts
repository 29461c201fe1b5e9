// The `@ballast/core/kafka` entry: the only module graph that loads kafkajs.
export {
  createKafkaEventStream,
  type KafkaEventStreamOptions,
  type KafkaLogger,
} from "./event-stream/kafka/create-kafka-event-stream.js";
export type {
  KafkaAdminLike,
  KafkaClientLike,
  KafkaConsumerLike,
  KafkaProducerLike,
} from "./event-stream/kafka/kafka-client.js";
