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
  };
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic-level configuration, e.g. compaction for cursors. */
  config: Record<string, string>;
}

/**
 * What each topic looks like when Odzew creates it. Mention topics are compacted by mention id
 * and kept forever: the latest version of every mention stays, and the index is rebuilt from them.
 */
export function topicSpecs(prefix: string = DEFAULT_TOPIC_PREFIX, partitions = 3): TopicSpec[] {
  const names = topicNames(prefix);
  const forever = { "retention.ms": "-1" };
  return [
    { name: names.collectJobs, partitions, config: { "retention.ms": String(7 * 24 * 3600 * 1000) } },
    { name: names.collectCursors, partitions: 1, config: { "cleanup.policy": "compact" } },
    { name: names.mentionsRaw, partitions, config: { ...forever, "cleanup.policy": "compact" } },
    { name: names.mentionsEnriched, partitions, config: { ...forever, "cleanup.policy": "compact" } },
    { name: names.mentionsDlq, partitions: 1, config: { "retention.ms": String(30 * 24 * 3600 * 1000) } },
    { name: names.workflowEvents, partitions, config: forever },
    { name: names.erasures, partitions: 1, config: { ...forever, "cleanup.policy": "compact" } },
    { name: names.alerts, partitions: 1, config: { ...forever, "cleanup.policy": "compact" } },
  ];
}
