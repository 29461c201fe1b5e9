/**
 * The few kafkajs methods the Kafka event stream calls, typed structurally ("describe a client,
 * don't import it"): pass your own configured `new Kafka(...)` (or anything shaped like it), and this
 * folder never loads kafkajs itself. Field names and string offsets follow kafkajs 2.x.
 */

export interface KafkaMessageLike {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  timestamp?: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface KafkaMessageReadLike {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface KafkaRecordMetadataLike {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset?: string;
  offset?: string;
}

export interface KafkaProducerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: {
    topic: string;
    messages: KafkaMessageLike[];
    acks?: number;
    timeout?: number;
  }): Promise<KafkaRecordMetadataLike[]>;
}

export interface KafkaBatchLike {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessageReadLike[];
}

export interface KafkaEachBatchPayloadLike {
  batch: KafkaBatchLike;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface KafkaConsumerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: {
    autoCommit?: boolean;
    eachBatchAutoResolve?: boolean;
    partitionsConsumedConcurrently?: number;
    eachBatch: (payload: KafkaEachBatchPayloadLike) => Promise<void>;
  }): Promise<void>;
  seek(topicPartitionOffset: { topic: string; partition: number; offset: string }): void;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  on(event: string, listener: (event: unknown) => void): () => void;
  readonly events: { GROUP_JOIN: string; CRASH: string };
}

export interface KafkaConsumerConfigLike {
  groupId: string;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  maxWaitTimeInMs?: number;
  allowAutoTopicCreation?: boolean;
  maxBytesPerPartition?: number;
}

export interface KafkaAdminLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(options: {
    topics: { topic: string; numPartitions?: number; replicationFactor?: number }[];
    waitForLeaders?: boolean;
  }): Promise<boolean>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{
    topics: { name: string; partitions: { partitionId: number }[] }[];
  }>;
  fetchTopicOffsets(
    topic: string,
  ): Promise<{ partition: number; offset: string; high: string; low: string }[]>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/** A kafkajs `Kafka` instance, or anything with the same three factories. */
export interface KafkaClientLike {
  producer(config?: {
    idempotent?: boolean;
    maxInFlightRequests?: number;
    allowAutoTopicCreation?: boolean;
  }): KafkaProducerLike;
  consumer(config: KafkaConsumerConfigLike): KafkaConsumerLike;
  admin(): KafkaAdminLike;
}
