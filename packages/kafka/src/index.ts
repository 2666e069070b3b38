export { createKafka, createProducer, createTransactionalProducer, ensureTopics, deleteTopics, kafkaConnectionFromEnv, type KafkaConnection } from "./client.ts";
export {
  encode,
  publish,
  publishEncoded,
  publishBytes,
  fenceEarlierIncarnations,
  encodeMessage,
  type EncodedMessage,
  publishAtomically,
  publishTombstones,
  messageBytes,
  splitByBytes,
  sendError,
  MAX_MESSAGE_BYTES,
  MAX_SEND_BYTES,
  type OutgoingMessage,
  type ConsumedPosition,
} from "./codec.ts";
export {
  createBatchWorker,
  payloadOf,
  MAX_DEAD_LETTER_PAYLOAD_BYTES,
  type BatchWorker,
  type BatchWorkerOptions,
  type BatchContext,
  type Consumed,
  type Rejection,
} from "./worker.ts";
export { totalCommitted, totalHigh, type Kafka, type KafkaAdmin, type Producer, type PartitionOffsets, type CommittedOffset } from "./port.ts";
export { createTopicTable, type TopicTable } from "./table.ts";
export { replayTopic, type ReplayResult } from "./replay.ts";
export { scanTopic, liveTopicConsumers, waitForConsumers, PASS_MARKER_KEY, type ScannedRecord, type ScanResult, type TopicPositions, type TopicConsumer } from "./scan.ts";
export { alignTopicConfigs, configChanges, type TopicConfigChange } from "./topic-config.ts";
