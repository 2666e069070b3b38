import { createHash } from "node:crypto";
import { OdzewError, counter, type Logger } from "@odzew/core";
import { createBatchWorker, publish, type BatchWorker, type Kafka, type Producer } from "@odzew/kafka";
import { decideReply, EMPTY_THROTTLE, judgeRule, type RuleMention, type ThrottleState } from "@odzew/replies";
import {
  enrichedMentionSchema,
  workflowStateSchema,
  type EnrichedMention,
  type ReplyCommand,
  type ReplyRule,
  type ReplyTemplate,
  type SourceConfig,
  type TeamConfig,
  type TopicNames,
  type WorkflowEvent,
  type WorkflowState,
} from "@odzew/schema";
import { indexNames, type Engine } from "@odzew/search";
import { replyCapability } from "@odzew/sources";

/** What the rule runner works with: the replies file's enabled rules, and what they need. */
export interface RuleSetup {
  rules: readonly ReplyRule[];
  templates: readonly ReplyTemplate[];
  teams: readonly TeamConfig[];
  sources: readonly SourceConfig[];
  /** A brand's display name for `{brand}`. */
  brandName?: ((brandId: string) => string | undefined) | undefined;
}

/** What the rules decided for one chunk of mentions: commands first, then events, in mention order. */
export interface RulePlan {
  commands: ReplyCommand[];
  events: WorkflowEvent[];
  /** The throttle of each rule after the chunk. */
  throttles: Map<string, ThrottleState>;
  /** Rule replies the decision refused (a conflict, an invalid text): logged, never silent. */
  refused: { ruleId: string; mentionId: string; message: string }[];
  /** Per rule, what it did: drafted, sent (queued for the responder). */
  acted: { ruleId: string; mentionId: string; mode: "draft" | "send"; reason?: string }[];
}

/**
 * The event id of the n-th event a rule writes for a mention's reply version: the same on every
 * redelivery of the mention, so the indexer keeps each once; within 100 characters.
 */
export function ruleEventId(ruleId: string, mentionId: string, version: number, n: number): string {
  const readable = `rule:${ruleId}:${mentionId}:v${version}:${n}`;
  if (readable.length <= 100) return readable;
  return `rule:${createHash("sha256").update(`${ruleId}\n${mentionId}\n${version}`).digest("hex").slice(0, 48)}:v${version}:${n}`;
}

/**
 * Pure: what the enabled rules do with these mentions, given each mention's current workflow.
 * One reply per mention at most (the first rule that answers it, in the file's order); a rule's
 * throttle is carried from mention to mention.
 */
export function planRuleReplies(
  setup: RuleSetup,
  mentions: readonly EnrichedMention[],
  workflows: ReadonlyMap<string, WorkflowState>,
  throttles: ReadonlyMap<string, ThrottleState>,
  now: Date,
): RulePlan {
  const plan: RulePlan = { commands: [], events: [], throttles: new Map(throttles), refused: [], acted: [] };
  const teams = new Map(setup.teams.map((team) => [team.id, team]));
  const sources = new Map(setup.sources.map((source) => [source.id, source]));
  const capability = (mention: Pick<RuleMention, "source">) => replyCapability(sources.get(mention.source.id));
  const answered = new Set<string>();
  for (const mention of mentions) {
    if (answered.has(mention.id)) continue;
    const workflow = workflows.get(mention.id);
    const subject: RuleMention = { ...mention, workflow };
    for (const rule of setup.rules) {
      const team = teams.get(rule.team);
      if (!rule.enabled || !team) continue;
      const throttle = plan.throttles.get(rule.id) ?? EMPTY_THROTTLE;
      const judged = judgeRule(rule, subject, {
        team,
        templates: setup.templates,
        now,
        throttle,
        brandName: setup.brandName,
        capability,
      });
      if (judged.verdict.kind === "skip") continue;
      const verdict = judged.verdict;
      const version = (workflow?.reply?.version ?? 0) + 1;
      const decision = decideReply({
        team,
        mention: {
          id: mention.id,
          publishedAt: mention.publishedAt,
          source: mention.source,
          nativeId: mention.nativeId,
          workflow,
          rating: mention.rating,
          lang: mention.lang,
        },
        capability: capability(mention),
        action: verdict.mode === "send" ? "send" : "draft",
        actor: `rule:${rule.id}`,
        text: verdict.text,
        template: verdict.template,
        rule: rule.id,
        eventId: (n) => ruleEventId(rule.id, mention.id, version, n),
        at: now,
      });
      if (decision.kind !== "record") {
        plan.refused.push({ ruleId: rule.id, mentionId: mention.id, message: decision.message });
        continue;
      }
      plan.throttles.set(rule.id, judged.throttle);
      if (decision.command) plan.commands.push(decision.command);
      plan.events.push(...decision.events);
      plan.acted.push({ ruleId: rule.id, mentionId: mention.id, mode: verdict.mode, ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}) });
      answered.add(mention.id);
      break;
    }
  }
  return plan;
}

/** Mentions some enabled rule might answer, judged without their workflow (which only ever holds a rule back). */
function candidates(setup: RuleSetup, mentions: readonly EnrichedMention[], now: Date): EnrichedMention[] {
  const none = new Map<string, WorkflowState>();
  return mentions.filter((mention) => planRuleReplies(setup, [mention], none, new Map(), now).acted.length > 0);
}

/** The mentions' current workflows from the index (`_mget` of the `workflow` field); absent ones are left out. */
export function indexWorkflows(engine: Engine, indexPrefix: string) {
  const names = indexNames(indexPrefix);
  return async (mentions: readonly Pick<EnrichedMention, "id" | "publishedAt">[]): Promise<Map<string, WorkflowState>> => {
    const found = new Map<string, WorkflowState>();
    if (mentions.length === 0) return found;
    const response = await engine.request<{ docs: { _id: string; found?: boolean; _source?: { workflow?: unknown }; error?: { type?: string; reason?: string } }[] }>(
      "POST",
      "/_mget",
      { docs: mentions.map((mention) => ({ _index: names.indexFor(mention.publishedAt), _id: mention.id, _source: ["workflow"] })) },
    );
    for (const doc of response.docs) {
      // No index for that month yet: no workflow. Any other error leaves the workflow unknown, and a
      // rule must not answer a mention that may have its reply already: the chunk is tried again.
      if (doc.error && doc.error.type !== "index_not_found_exception") {
        throw new OdzewError("SEARCH_UNAVAILABLE", `reading the workflow of ${doc._id} failed: ${doc.error.reason ?? doc.error.type ?? "unknown error"}`, { retryable: true });
      }
      if (!doc.found || doc._source?.workflow === undefined) continue;
      const parsed = workflowStateSchema.safeParse(doc._source.workflow);
      if (parsed.success) found.set(doc._id, parsed.data);
    }
    return found;
  };
}

export interface RuleRunnerOptions {
  kafka: Kafka;
  producer: Producer;
  topics: TopicNames;
  groupId: string;
  setup: RuleSetup;
  workflows(mentions: readonly Pick<EnrichedMention, "id" | "publishedAt">[]): Promise<Map<string, WorkflowState>>;
  logger: Logger;
  now?: () => Date;
  onCrash?: (error: unknown) => void;
}

/**
 * Reply rules at work: reads the enriched mentions with a consumer group of its own, and for each
 * mention an enabled rule answers (judged with its current workflow from the index), writes what
 * `decideReply` decides for the actor `rule:<id>`: the command to the outbox first, then the
 * events. Event ids and idempotency keys are deterministic, so a redelivered mention changes nothing.
 * The per-source throttle is kept in memory: after a restart it starts empty.
 */
export function createRuleRunner(options: RuleRunnerOptions): BatchWorker {
  const logger = options.logger.child({ scope: "reply-rules" });
  const now = options.now ?? (() => new Date());
  let throttles = new Map<string, ThrottleState>();
  const acted = counter({
    name: "responder_rule_replies_total",
    help: "Replies reply rules wrote, per rule and mode (draft: for an agent to send; send: queued for the store).",
    labelNames: ["rule", "mode"],
  });
  return createBatchWorker<EnrichedMention>({
    kafka: options.kafka,
    producer: options.producer,
    groupId: options.groupId,
    topic: options.topics.mentionsEnriched,
    deadLetterTopic: options.topics.mentionsDlq,
    stage: "reply",
    schema: enrichedMentionSchema,
    logger,
    chunkSize: 200,
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
    async handle(messages) {
      const at = now();
      const mentions = messages.map((message) => message.value);
      const maybe = candidates(options.setup, mentions, at);
      if (maybe.length === 0) return [];
      const workflows = await options.workflows(maybe);
      const plan = planRuleReplies(options.setup, maybe, workflows, throttles, at);
      await publish(options.producer, options.topics.replies, plan.commands.map((command) => ({ key: command.mentionId, value: command })));
      await publish(options.producer, options.topics.workflowEvents, plan.events.map((event) => ({ key: event.mentionId, value: event })));
      throttles = plan.throttles;
      for (const entry of plan.acted) {
        acted.inc({ rule: entry.ruleId, mode: entry.mode });
        logger.info({ rule: entry.ruleId, mentionId: entry.mentionId, mode: entry.mode }, entry.reason ?? `rule ${entry.ruleId}: ${entry.mode === "send" ? "reply queued" : "reply drafted"}`);
      }
      for (const entry of plan.refused) logger.warn({ rule: entry.ruleId, mentionId: entry.mentionId }, `rule reply not written: ${entry.message}`);
      return [];
    },
  });
}
