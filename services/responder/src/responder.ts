import { OdzewError, counter, describeError, sleep, type Logger } from "@odzew/core";
import { createBatchWorker, createTopicTable, publish, type BatchContext, type BatchWorker, type Kafka, type Producer } from "@odzew/kafka";
import { COLLECT_JOB_SCHEMA_VERSION, replyCommandSchema, replyReceiptSchema, type ReplyCommand, type ReplyError, type ReplyReceipt, type SourceConfig, type TopicNames } from "@odzew/schema";
import { replyAdapterFor, type HttpClient, type ReplyAdapter, type ReplyContext } from "@odzew/sources";
import {
  DEFAULT_RETRY_POLICY,
  conflictEvent,
  failedReceipt,
  outcomeEvent,
  planCommand,
  retryVerdict,
  sendingReceipt,
  sentReceipt,
  storeShowsOutcome,
  type RetryPolicy,
  type StoreFailure,
} from "./plan.ts";

export interface ResponderOptions {
  kafka: Kafka;
  /** Receipts, events and dead letters, each awaited until durable. */
  producer: Producer;
  topics: TopicNames;
  groupId: string;
  /** The sources file: a command's source is looked up here by id. */
  sources: SourceConfig[];
  /** Tries once per call (`maxAttempts: 1`): the responder decides about retries itself. */
  http: HttpClient;
  /** Secrets by environment variable name (tokens, key files); never logged. */
  secret(name: string): string | undefined;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
  random?: () => number;
  onCrash?: (error: unknown) => void;
}

function responderMetrics() {
  return {
    sent: counter({ name: "responder_replies_sent_total", help: "Replies the responder posted or deleted at a store, per source.", labelNames: ["source"] }),
    failed: counter({
      name: "responder_replies_failed_total",
      help: "Replies the responder recorded as failed, per source and error code (REPLY_REJECTED, REPLY_UNAVAILABLE, …).",
      labelNames: ["source", "code"],
    }),
    checked: counter({
      name: "responder_unclear_checked_total",
      help: "Store replies read after an unclear outcome (a crash mid-send, a 5xx), by what the store showed: already-there (recorded without posting again) or not-there.",
      labelNames: ["outcome"],
    }),
    deduplicated: counter({
      name: "responder_commands_deduplicated_total",
      help: "Commands delivered again after they were carried out: their event was re-emitted, the store not called.",
    }),
    retries: counter({ name: "responder_store_retries_total", help: "Store calls tried again, by error code.", labelNames: ["code"] }),
  };
}

/**
 * Carries out the reply outbox: per command, in order per mention, a `sending` receipt before the
 * store is called, then the store's answer as a `sent` or `failed` receipt and the matching
 * `reply-sent` / `reply-failed` workflow event; the command's offset is committed after both
 * are durable. A receipt still `sending` (a crash mid-send) or an unclear failure (5xx, no
 * answer) makes it ask the store's current reply first: a reply is never posted twice.
 */
export function createResponder(options: ResponderOptions): BatchWorker {
  const logger = options.logger.child({ scope: "responder" });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const metrics = responderMetrics();
  const sources = new Map(options.sources.map((source) => [source.id, source]));
  const receipts = createTopicTable({ kafka: options.kafka, producer: options.producer, topic: options.topics.replyReceipts, schema: replyReceiptSchema, logger });
  /**
   * Receipts this process wrote that the table may not have read back yet. A key (an idempotency
   * key of one mention) is only ever handled by the partition of that mention, so concurrent
   * partitions never share an entry.
   */
  const written = new Map<string, ReplyReceipt>();

  async function writeReceipt(receipt: ReplyReceipt): Promise<void> {
    await publish(options.producer, options.topics.replyReceipts, [{ key: receipt.idempotencyKey, value: receipt }]);
    written.set(receipt.idempotencyKey, receipt);
  }

  async function record(command: ReplyCommand, receipt: ReplyReceipt & { state: "sent" | "failed" }, sourceId: string): Promise<void> {
    await writeReceipt(receipt);
    await publish(options.producer, options.topics.workflowEvents, [{ key: command.mentionId, value: outcomeEvent(command, receipt) }]);
    if (receipt.state === "sent") {
      // Ask the collector to look at the review now, however far down its source it is: the
      // reply is confirmed when the collector sees it there (a `confirm` collect job).
      await publish(options.producer, options.topics.collectJobs, [
        {
          key: command.source.id,
          value: {
            schemaVersion: COLLECT_JOB_SCHEMA_VERSION,
            jobId: `confirm:${command.idempotencyKey}:a${command.attempt}`,
            sourceId: command.source.id,
            reason: "confirm",
            nativeIds: [command.nativeId],
            requestedAt: now().toISOString(),
          },
        },
      ]);
      metrics.sent.inc({ source: sourceId });
      logger.info({ mentionId: command.mentionId, key: command.idempotencyKey, attempt: command.attempt, source: sourceId }, `reply ${command.operation === "delete" ? "deleted" : "sent"}`);
    } else {
      const code = receipt.error?.code ?? "UNKNOWN";
      metrics.failed.inc({ source: sourceId, code });
      logger.warn({ mentionId: command.mentionId, key: command.idempotencyKey, attempt: command.attempt, source: sourceId, code }, `reply failed: ${receipt.error?.message ?? ""}`);
    }
  }

  async function fail(command: ReplyCommand, error: ReplyError): Promise<void> {
    await record(command, { ...failedReceipt(command, now(), error), state: "failed" }, command.source.id);
  }

  /** Give the command back uncommitted: the worker stops or retries the chunk; receipts keep it safe. */
  function handBack(command: ReplyCommand): OdzewError {
    return new HandBack(command.idempotencyKey);
  }

  async function carryOut(command: ReplyCommand, context: BatchContext): Promise<void> {
    const step = planCommand(command, written.get(command.idempotencyKey) ?? receipts.get(command.idempotencyKey));
    if (step.kind === "conflict") {
      // Two agents sent different texts as one version: the first went out; this one is refused, in words.
      metrics.failed.inc({ source: command.source.id, code: "REPLY_CONFLICT" });
      await publish(options.producer, options.topics.workflowEvents, [{ key: command.mentionId, value: conflictEvent(command, now()) }]);
      logger.warn({ mentionId: command.mentionId, key: command.idempotencyKey, attempt: command.attempt }, "another text of this reply version went out already; this one not sent");
      return;
    }
    if (step.kind === "done") {
      // Delivered again after it was carried out (a crash before the commit, a duplicate): the same event again, harmless.
      metrics.deduplicated.inc();
      await publish(options.producer, options.topics.workflowEvents, [{ key: command.mentionId, value: outcomeEvent(command, step.receipt) }]);
      logger.info({ mentionId: command.mentionId, key: command.idempotencyKey, attempt: command.attempt }, "command already carried out; its event re-emitted");
      return;
    }

    const source = sources.get(command.source.id);
    if (!source) {
      return fail(command, {
        code: "REPLY_NOT_CONFIGURED",
        message: `the source ${command.source.id} is no longer in the sources file: the reply cannot be sent; answer on the review's page and record it`,
        retryable: false,
      });
    }
    const adapter = replyAdapterFor(source);
    const capability = adapter?.capability(source);
    if (!adapter || !capability?.canReply) {
      return fail(command, {
        code: "REPLY_NOT_CONFIGURED",
        message: capability && !capability.canReply ? capability.reason : `${source.type} has no reply API: answer on the review's page and record the reply here`,
        retryable: false,
      });
    }
    if (command.operation === "post" && (command.text === undefined || command.text.trim() === "")) {
      return fail(command, { code: "REPLY_REJECTED", message: "the command has no text to post", retryable: false });
    }

    // No stop signal: a store call in flight when the responder stops is finished and recorded
    // (the HTTP client's deadline bounds it); cutting it off would leave its outcome unclear.
    const replyContext = (): ReplyContext => ({ http: options.http, secret: options.secret, now: now() });
    let check = step.check;
    let sending = false;
    for (let tries = 1; ; tries++) {
      if (!context.shouldContinue()) throw handBack(command);
      let checking = false;
      try {
        if (check) {
          checking = true;
          const shown = await adapter.current(source, command.nativeId, replyContext());
          if (storeShowsOutcome(command, shown)) {
            metrics.checked.inc({ outcome: "already-there" });
            logger.info({ mentionId: command.mentionId, key: command.idempotencyKey }, "the store already shows this reply; recorded without posting again");
            return record(command, { ...sentReceipt(command, now(), shown?.storeReplyId), state: "sent" }, source.id);
          }
          metrics.checked.inc({ outcome: "not-there" });
          checking = false;
        }
        if (!sending) {
          await writeReceipt(sendingReceipt(command, now()));
          sending = true;
        }
        if (!context.shouldContinue()) throw handBack(command);
        const storeReplyId = await callStore(adapter, source, command, replyContext());
        return record(command, { ...sentReceipt(command, now(), storeReplyId), state: "sent" }, source.id);
      } catch (error) {
        const failure = storeFailure(error);
        if (!failure) throw error;
        const verdict = retryVerdict(failure, tries, policy, random());
        if (!verdict.retry) {
          return fail(command, {
            code: failure.code,
            message: failure.message,
            retryable: verdict.retryable,
            ...(failure.status !== undefined ? { status: failure.status } : {}),
          });
        }
        metrics.retries.inc({ code: failure.code });
        logger.warn({ mentionId: command.mentionId, key: command.idempotencyKey, tries, waitMs: verdict.waitMs, code: failure.code }, `store call failed, trying again: ${failure.message}`);
        if (!(await context.wait(verdict.waitMs))) throw handBack(command);
        // After an unclear failure the store may have the reply: ask before posting again. A 429 to
        // a post took nothing; a failed look at the store must be repeated before any post.
        check = verdict.check || checking;
      }
    }
  }

  const worker = createBatchWorker<ReplyCommand>({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.replies,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "reply",
    schema: replyCommandSchema,
    logger,
    chunkSize: 20,
    // A store that asks to wait holds up only its partition's replies.
    partitionsConcurrently: 3,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle(messages, context) {
      // Receipts written by any responder (this one before a restart, another before a rebalance) are read first.
      try {
        await receipts.catchUp();
      } catch (error) {
        throw new OdzewError("KAFKA_UNAVAILABLE", `reading the reply receipts failed: ${describeError(error)}`, { retryable: true, cause: error });
      }
      // What the table now holds supersedes what this process remembers writing.
      for (const [key, receipt] of written) {
        const read = receipts.get(key);
        if (read && Date.parse(read.at) >= Date.parse(receipt.at)) written.delete(key);
      }
      for (const message of messages) await carryOut(message.value, context);
      return [];
    },
  });

  return {
    name: "responder",
    async start() {
      // A topic created a moment ago (a fresh install) answers "not the leader" for a while.
      await topicsAnswering(options.kafka, [options.topics.replyReceipts, options.topics.replies], logger);
      await receipts.start();
      await worker.start();
    },
    async stop() {
      await worker.stop();
      await receipts.stop();
    },
    ready: () => worker.ready(),
  };
}

async function callStore(adapter: ReplyAdapter, source: SourceConfig, command: ReplyCommand, context: ReplyContext): Promise<string | undefined> {
  if (command.operation === "delete") {
    await adapter.remove(source, command.nativeId, context);
    return undefined;
  }
  const shown = await adapter.post(source, command.nativeId, command.text ?? "", context);
  return shown.storeReplyId;
}

/**
 * A store call's failure in the responder's terms, or undefined for an unexpected error (a bug)
 * that stops the worker. Adapters throw REPLY_* codes; a configuration error (a missing secret)
 * is REPLY_NOT_CONFIGURED; another retryable error is treated as unclear.
 */
function storeFailure(error: unknown): (StoreFailure & { message: string; status?: number }) | undefined {
  // Kafka's own failures are not the store's: the worker retries the chunk. A hand-back is not a failure.
  if (!(error instanceof OdzewError) || error instanceof HandBack || error.code.startsWith("KAFKA_")) return undefined;
  const status = typeof error.context.status === "number" ? error.context.status : undefined;
  const retryAfterMs = typeof error.context.retryAfterMs === "number" ? error.context.retryAfterMs : undefined;
  const code = error.code.startsWith("REPLY_")
    ? error.code
    : error.code === "CONFIG_INVALID"
      ? "REPLY_NOT_CONFIGURED"
      : error.retryable
        ? "REPLY_UNAVAILABLE"
        : "REPLY_REJECTED";
  return {
    code,
    retryable: error.retryable,
    message: error.message || describeError(error),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** The worker is stopping (or lost the partition): the command goes back uncommitted, retryable. */
class HandBack extends OdzewError {
  constructor(idempotencyKey: string) {
    super("REPLY_UNAVAILABLE", `the responder is stopping; the reply ${idempotencyKey} is handed back uncommitted`, { retryable: true });
  }
}

/** Wait until each topic's partitions have leaders (their offsets can be read), at most `timeoutMs`. */
async function topicsAnswering(kafka: Kafka, topics: string[], logger: Logger, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (const topic of topics) {
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.topicOffsets(topic);
          break;
        } catch (error) {
          if (Date.now() > deadline) {
            throw new OdzewError("KAFKA_UNAVAILABLE", `the topic ${topic} does not answer (${describeError(error)}); run odzew setup to create the topics`, {
              cause: error,
              context: { topic },
            });
          }
          logger.debug({ topic, attempt }, `waiting for the topic: ${describeError(error)}`);
          await sleep(Math.min(2_000, 100 * attempt));
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}
