import type { Admin, ConfigResourceTypes, ConfigSource } from "kafkajs";
import type { TopicSpec } from "@odzew/schema";

// kafkajs's enums are not reachable as named ESM imports (its CommonJS export spreads them).
const TOPIC_RESOURCE: ConfigResourceTypes = 2;
const TOPIC_OVERRIDE: ConfigSource = 1;

/** A topic whose configuration was brought to its spec: each setting changed, from → to. */
export interface TopicConfigChange {
  topic: string;
  changes: Record<string, { from?: string; to: string }>;
}

/** Lists such as `cleanup.policy` compare as sets: "delete,compact" is "compact,delete". */
function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const norm = (value: string) => value.split(",").map((part) => part.trim()).sort().join(",");
  return norm(a) === norm(b);
}

/** Settings of `wanted` that `current` (the topic's own overrides) does not have, or has otherwise. */
export function configChanges(current: Record<string, string>, wanted: Record<string, string>): TopicConfigChange["changes"] {
  const changes: TopicConfigChange["changes"] = {};
  for (const [name, value] of Object.entries(wanted)) {
    if (!same(current[name], value)) changes[name] = { ...(current[name] === undefined ? {} : { from: current[name] }), to: value };
  }
  return changes;
}

/**
 * Bring existing topics to their specs (e.g. a compaction lag added in a later version). Only
 * the settings a spec names are changed; the topic's other overrides (an operator's retention,
 * say) are kept: the broker's AlterConfigs replaces a topic's whole override set, so they are
 * sent along. Returns what was changed.
 */
export async function alignTopicConfigs(admin: Admin, specs: TopicSpec[]): Promise<TopicConfigChange[]> {
  if (specs.length === 0) return [];
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((spec) => ({ type: TOPIC_RESOURCE, name: spec.name })),
  });
  const result: TopicConfigChange[] = [];
  const resources: { type: ConfigResourceTypes; name: string; configEntries: { name: string; value: string }[] }[] = [];
  for (const spec of specs) {
    const resource = described.resources.find((entry) => entry.resourceName === spec.name);
    if (!resource) continue;
    const overrides: Record<string, string> = {};
    for (const entry of resource.configEntries) {
      if (entry.configSource === TOPIC_OVERRIDE && !entry.isSensitive) overrides[entry.configName] = entry.configValue;
    }
    const changes = configChanges(overrides, spec.config);
    if (Object.keys(changes).length === 0) continue;
    result.push({ topic: spec.name, changes });
    const merged = { ...overrides, ...spec.config };
    resources.push({ type: TOPIC_RESOURCE, name: spec.name, configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })) });
  }
  if (resources.length > 0) await admin.alterConfigs({ validateOnly: false, resources });
  return result;
}
