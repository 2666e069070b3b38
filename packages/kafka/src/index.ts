export { createKafka, createProducer, createTransactionalProducer, ensureTopics, deleteTopics, kafkaConnectionFromEnv, type KafkaConnection } from "./client.ts";
export { encode, publish, publishAtomically, type OutgoingMessage, type ConsumedPosition } from "./codec.ts";
export {
  createBatchWorker,
  type BatchWorker,
  type BatchWorkerOptions,
  type BatchContext,
  type Consumed,
  type Rejection,
} from "./worker.ts";
export type { Kafka, Producer } from "kafkajs";
export { createTopicTable, type TopicTable } from "./table.ts";
export { replayTopic, type ReplayResult } from "./replay.ts";
