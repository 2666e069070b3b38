import { OdzewError } from "@odzew/core";
import type { SourceConfig } from "@odzew/schema";
import type { PollContext, PollResult, SourceAdapter } from "./adapter.ts";
import { htmlAdapter } from "./html.source.ts";

type AdapterFor = { [T in SourceConfig["type"]]?: SourceAdapter<Extract<SourceConfig, { type: T }>> };

/** One adapter per source type. */
const ADAPTERS: AdapterFor = {
  html: htmlAdapter,
};

export function hasAdapter(type: SourceConfig["type"]): boolean {
  return ADAPTERS[type] !== undefined;
}

/** Poll a source with the adapter of its type. */
export function pollSource(source: SourceConfig, context: PollContext): Promise<PollResult> {
  const adapter = ADAPTERS[source.type] as SourceAdapter<SourceConfig> | undefined;
  if (!adapter) throw new OdzewError("SOURCE_UNKNOWN", `no adapter for source type "${source.type}" (source "${source.id}")`);
  return adapter.poll(source, context);
}
