export { createKafka, createProducer, ensureTopics, deleteTopics, kafkaConnectionFromEnv, type KafkaConnection } from "./client.ts";
export { encode, publish, type OutgoingMessage } from "./codec.ts";
export {
  createBatchWorker,
  type BatchWorker,
  type BatchWorkerOptions,
  type BatchContext,
  type Consumed,
  type Rejection,
} from "./worker.ts";
export type { Kafka, Producer } from "kafkajs";
