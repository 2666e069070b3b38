/**
 * Kafka topic names. Every deployment (and every test) may put its own prefix in front, so
 * that several pipelines can share one cluster without touching each other's topics.
 */
export const DEFAULT_TOPIC_PREFIX = "odzew";

export interface TopicNames {
  collectJobs: string;
  collectCursors: string;
  mentionsRaw: string;
  mentionsEnriched: string;
  mentionsDlq: string;
  workflowEvents: string;
  /** Authors whose mentions were erased (compacted, key = author pseudonym). */
  erasures: string;
  /** Crisis alerts (compacted, key = alert key). */
  alerts: string;
  /** The promoted model of each family (compacted, key = model family, e.g. `sentiment-pl`). */
  models: string;
  /** The reply outbox: commands to post or delete a reply at the store (key = mention id). */
  replies: string;
  /** What the responder did per reply idempotency key (compacted). */
  replyReceipts: string;
}

export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX): TopicNames {
  return {
    collectJobs: `${prefix}.collect.jobs`,
    collectCursors: `${prefix}.collect.cursors`,
    mentionsRaw: `${prefix}.mentions.raw`,
    mentionsEnriched: `${prefix}.mentions.enriched`,
    mentionsDlq: `${prefix}.mentions.dlq`,
    workflowEvents: `${prefix}.workflow.events`,
    erasures: `${prefix}.erasures`,
    alerts: `${prefix}.alerts`,
    models: `${prefix}.models`,
    replies: `${prefix}.replies`,
    replyReceipts: `${prefix}.replies.receipts`,
  };
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic-level configuration, e.g. compaction for cursors. */
  config: Record<string, string>;
}

/** How long a record superseded by a newer version or a tombstone may stay readable at most. */
export const MAX_COMPACTION_LAG_MS = 7 * 24 * 3600 * 1000;

/**
 * What each topic looks like; `odzew setup` creates the missing ones and brings the settings
 * named here to existing ones. Mention topics are compacted by mention id and kept forever: the
 * latest version of every mention stays, and the index is rebuilt from them.
 *
 * Erasure (`odzew erase`) writes tombstones, and a tombstone only removes the versions before it
 * once the log cleaner has run over them. So the topics that can hold an author's data (raw and
 * enriched mentions, dead letters, alerts) have a bounded compaction lag: segments roll at least
 * daily (`segment.ms`; a segment is cleaned only once it is closed), and a superseded record is
 * cleaned at the latest `max.compaction.lag.ms` (7 days) after it was written, however little
 * else changed (`min.cleanable.dirty.ratio` low). Tombstones stay readable one day
 * (`delete.retention.ms`), long enough for a rebuild running meanwhile to see them. The
 * dead-letter topic is `compact,delete`: dead letters still go after 30 days, and a tombstone for
 * a mention's id removes its dead letters within the compaction lag (dead letters are keyed by
 * the original message's key: the mention id).
 */
export function topicSpecs(prefix: string = DEFAULT_TOPIC_PREFIX, partitions = 3): TopicSpec[] {
  const names = topicNames(prefix);
  const forever = { "retention.ms": "-1" };
  const boundedCompaction = {
    "max.compaction.lag.ms": String(MAX_COMPACTION_LAG_MS),
    "min.cleanable.dirty.ratio": "0.1",
    "segment.ms": String(24 * 3600 * 1000),
    "delete.retention.ms": String(24 * 3600 * 1000),
  };
  return [
    { name: names.collectJobs, partitions, config: { "retention.ms": String(7 * 24 * 3600 * 1000) } },
    { name: names.collectCursors, partitions: 1, config: { "cleanup.policy": "compact" } },
    { name: names.mentionsRaw, partitions, config: { ...forever, "cleanup.policy": "compact", ...boundedCompaction } },
    { name: names.mentionsEnriched, partitions, config: { ...forever, "cleanup.policy": "compact", ...boundedCompaction } },
    {
      name: names.mentionsDlq,
      partitions: 1,
      config: { "retention.ms": String(30 * 24 * 3600 * 1000), "cleanup.policy": "compact,delete", ...boundedCompaction },
    },
    { name: names.workflowEvents, partitions, config: forever },
    { name: names.erasures, partitions: 1, config: { ...forever, "cleanup.policy": "compact" } },
    { name: names.alerts, partitions: 1, config: { ...forever, "cleanup.policy": "compact", ...boundedCompaction } },
    // One record per model family, the model itself included (the trainer keeps it under 800 KB): every enricher follows it.
    { name: names.models, partitions: 1, config: { ...forever, "cleanup.policy": "compact" } },
    // The outbox keeps its commands 30 days: the receipts say which were carried out.
    { name: names.replies, partitions, config: { "retention.ms": String(30 * 24 * 3600 * 1000) } },
    { name: names.replyReceipts, partitions: 1, config: { ...forever, "cleanup.policy": "compact" } },
  ];
}
