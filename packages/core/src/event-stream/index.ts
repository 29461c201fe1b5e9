export {
  createLogEventStream,
  type FsyncPolicy,
  type LogEventStreamOptions,
} from "./log/log-event-stream.js";
export { type OpenEventStreamOptions, openEventStream } from "./open-event-stream.js";
export { partitionForKey } from "./partitioner.js";
export type {
  AppendOptions,
  AppendResult,
  ConsumeOptions,
  CreateTopicOptions,
  EventBatch,
  EventBytes,
  EventConsumer,
  EventRecord,
  EventRecordInput,
  EventStream,
  PartitionInfo,
  StartPosition,
  TopicInfo,
} from "./types.js";
