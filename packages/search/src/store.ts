import type { Logger } from "@odzew/core";
import type { EnrichedMention, TeamConfig, WorkflowEvent, WorkflowState } from "@odzew/schema";
import { SearchRequestError, type Engine } from "./engine.ts";
import { applyWorkflowEvent, confirmReplyAtSource } from "./workflow.ts";
import { addFailure, emptyOutcome, splitBulk, type BulkOutcome, type ItemError } from "./bulk.ts";
import { STORED_FIELDS, newestVersions, planUpsert, type StoredMention } from "./upsert-plan.ts";
import { assertSeesReplyMeasures, readReplyMeasures, replyMeasuresRequest, type ReplyMeasures, type ReplyMeasuresResponse } from "./reply-measures.ts";

export type { BulkFailure, BulkOutcome } from "./bulk.ts";

/** How long, and for how many mentions, the store remembers where it wrote: well past a refresh. */
const RECENT_HOMES_TTL_MS = 30_000;
const RECENT_HOMES_LIMIT = 200_000;

/** A bounded map of mention id → index, entries expiring after `ttlMs` (insertion order = age). */
class RecentHomes {
  private readonly entries = new Map<string, { index: string; at: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly limit: number,
  ) {}

  remember(id: string, index: string): void {
    this.entries.delete(id);
    this.entries.set(id, { index, at: Date.now() });
    const oldest = Date.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.limit && entry.at >= oldest) break;
      this.entries.delete(key);
    }
  }

  get(id: string): string | undefined {
    const entry = this.entries.get(id);
    return entry && entry.at >= Date.now() - this.ttlMs ? entry.index : undefined;
  }
}

const targetIndex = (action: unknown): string => {
  const operation = Object.values(action as Record<string, { _index: string }>)[0];
  return operation?._index ?? "";
};

/** Largest bulk request the indexer sends, in bytes of JSON. */
export const MAX_BULK_BYTES = 8 * 1024 * 1024;
import { indexNames, indexTemplate, mentionMappings, sliceFilter, type IndexNames, type PolishAnalysis } from "./mappings.ts";

interface BulkResponse {
  errors: boolean;
  items: Record<string, { _id: string; status: number; error?: ItemError }>[];
}

interface StoredHit {
  _index: string;
  _id: string;
  _seq_no?: number;
  _primary_term?: number;
  found?: boolean;
  error?: ItemError;
  _source?: Omit<StoredMention, "index" | "seqNo" | "primaryTerm">;
}

/** What applyWorkflow reads of a mention: its workflow, and the reply the source showed when it was last collected. */
const WORKFLOW_READ_FIELDS = ["workflow", "reply", "collectedAt"];

interface StoredWorkflowHit {
  _id: string;
  found?: boolean;
  _seq_no?: number;
  _primary_term?: number;
  _source?: { workflow?: WorkflowState; reply?: { text: string; publishedAt?: string }; collectedAt?: string };
}

interface SearchResponse {
  hits: { total: { value: number } | number; hits: { _id: string; _source: EnrichedMention; sort?: unknown[] }[] };
}

export interface SetupOptions {
  teams: TeamConfig[];
  replicas?: number;
}

export class MentionStore {
  readonly names: IndexNames;
  private readonly logger: Logger;
  /**
   * Where this process wrote each mention lately. Search sees a write only after the next refresh
   * (1 s); an edit whose date moved to another month, arriving within that second, still finds
   * the document it must replace.
   */
  private readonly recentHomes = new RecentHomes(RECENT_HOMES_TTL_MS, RECENT_HOMES_LIMIT);

  constructor(
    readonly engine: Engine,
    prefix: string,
    logger: Logger,
  ) {
    this.names = indexNames(prefix);
    this.logger = logger.child({ scope: "search", prefix });
  }

  /** Probe once whether the engine has the Polish hunspell dictionary. */
  async polishAnalysis(): Promise<PolishAnalysis> {
    try {
      await this.engine.request("POST", "/_analyze", {
        tokenizer: "standard",
        filter: ["lowercase", { type: "hunspell", locale: "pl_PL" }],
        text: "dostawy",
      });
      return "hunspell";
    } catch (error) {
      if (error instanceof SearchRequestError && error.status === 400) return "none";
      throw error;
    }
  }

  /**
   * Install the index template (mappings, analysis, one filtered alias per team) and bring the
   * aliases of existing indices in line with the teams. Safe to run again at every start.
   */
  async setup(options: SetupOptions): Promise<{ polish: PolishAnalysis }> {
    const polish = await this.polishAnalysis();
    if (polish === "none") {
      this.logger.warn("the search engine has no pl_PL hunspell dictionary; Polish text is searched without stemming");
    }
    const template = indexTemplate(this.names, options.teams, polish, { replicas: options.replicas ?? 0 });
    await this.engine.request("PUT", `/_index_template/${this.names.template}`, template);
    await this.syncMappings();
    await this.syncAliases(options.teams, template.template.aliases);
    await this.disallowExpensiveQueries();
    return { polish };
  }

  /** Bring the team aliases in line with changed teams (the API does this when teams.yaml changes). */
  async syncTeams(teams: TeamConfig[]): Promise<void> {
    const aliases = Object.fromEntries(teams.map((team) => [this.names.teamAlias(team.id), { filter: sliceFilter(team.slice) }]));
    await this.syncAliases(teams, { [this.names.all]: {}, ...aliases });
  }

  /** New fields reach indices created before them; a changed field needs `odzew reindex`. */
  private async syncMappings(): Promise<void> {
    if ((await this.indices()).length === 0) return;
    try {
      await this.engine.request("PUT", `/${this.names.pattern}/_mapping`, mentionMappings);
    } catch (error) {
      if (!(error instanceof SearchRequestError && error.status === 400)) throw error;
      this.logger.warn(`the existing indices have an older mapping that cannot be updated in place (${error.message}); run \`odzew reindex\``);
    }
  }

  /**
   * Regex, wildcard, prefix, fuzzy and script queries off for the whole cluster: the API never
   * builds them, and this keeps it so. An engine that refuses the setting (a managed service)
   * is told in the log; the API's own query building still applies.
   */
  private async disallowExpensiveQueries(): Promise<void> {
    try {
      await this.engine.request("PUT", "/_cluster/settings", { persistent: { "search.allow_expensive_queries": false } });
    } catch (error) {
      if (error instanceof SearchRequestError && error.status !== undefined && error.status < 500) {
        this.logger.warn(`could not turn off expensive queries on the cluster: ${error.message}`);
        return;
      }
      throw error;
    }
  }

  private async syncAliases(teams: TeamConfig[], aliases: Record<string, { filter?: unknown }>): Promise<void> {
    const indices = await this.indices();
    if (indices.length === 0) return;
    const teamAliasPrefix = this.names.teamAlias("");
    const current = await this.engine.request<Record<string, { aliases: Record<string, unknown> }>>(
      "GET",
      `/${this.names.pattern}/_alias`,
    );
    const actions: unknown[] = [];
    for (const [index, { aliases: existing }] of Object.entries(current)) {
      for (const alias of Object.keys(existing)) {
        // A team that was removed from the config loses its alias.
        if (alias.startsWith(teamAliasPrefix) && !(alias in aliases)) actions.push({ remove: { index, alias } });
      }
      for (const [alias, definition] of Object.entries(aliases)) actions.push({ add: { index, alias, ...definition } });
    }
    if (actions.length > 0) await this.engine.request("POST", "/_aliases", { actions });
    this.logger.debug({ teams: teams.map((team) => team.id), indices: indices.length }, "aliases in sync");
  }

  async indices(): Promise<string[]> {
    const rows = await this.engine.request<{ index: string }[]>("GET", `/_cat/indices/${this.names.pattern}`, undefined, {
      format: "json",
      h: "index",
      expand_wildcards: "open",
    });
    return rows.map((row) => row.index).sort();
  }

  /**
   * Insert or replace mentions by id, newest version wins (see planUpsert): one real-time read of
   * what the engine holds, then one conditional bulk write. A mention lives in the index of the
   * month it was first published, whatever its source later says; an older version that arrives
   * late never replaces a newer one; the service `workflow` is carried over. A write that meets a
   * document changed since the read (a workflow event, another indexer) comes back as retryable
   * and is planned again from the new state.
   */
  async upsert(versions: EnrichedMention[]): Promise<BulkOutcome> {
    const outcome = emptyOutcome();
    if (versions.length === 0) return outcome;
    const mentions = newestVersions(versions, (mention) => mention);
    const stored = await this.storedVersions(mentions, outcome);
    const pairs: { action: unknown; source: unknown }[] = [];
    const ids: string[] = [];
    const superseded: string[] = [];
    for (const mention of mentions) {
      if (outcome.retryable.some((failure) => failure.id === mention.id)) continue;
      const step = planUpsert(mention, stored.get(mention.id), (publishedAt) => this.names.indexFor(publishedAt), toDocument);
      if (step.kind === "skip") {
        superseded.push(step.id);
        continue;
      }
      ids.push(step.id);
      pairs.push(
        step.kind === "create"
          ? { action: { create: { _index: step.index, _id: step.id } }, source: step.document }
          : { action: { index: { _index: step.index, _id: step.id, if_seq_no: step.seqNo, if_primary_term: step.primaryTerm } }, source: step.document },
      );
    }
    if (superseded.length > 0) outcome.superseded = superseded;
    let offset = 0;
    for (const request of splitBulk(pairs, MAX_BULK_BYTES)) {
      const response = await this.engine.bulk<BulkResponse>(request.body);
      classifyBulk(response, ids.slice(offset, offset + request.count), outcome);
      offset += request.count;
    }
    const written = new Set(outcome.indexed);
    pairs.forEach((pair, position) => {
      const id = ids[position]!;
      if (written.has(id)) this.recentHomes.remember(id, targetIndex(pair.action));
    });
    return outcome;
  }

  /**
   * What the engine holds of these mentions: a real-time multi-get in the index of each one's
   * publication month, then, for those not there, a search across every month (an edited review
   * whose date moved lives in the month it was first published). A mention whose index cannot be
   * read now (closed) is marked retryable in `outcome`.
   */
  private async storedVersions(mentions: EnrichedMention[], outcome: BulkOutcome): Promise<Map<string, StoredMention>> {
    const stored = new Map<string, StoredMention>();
    const read = (hit: StoredHit): StoredMention => ({
      index: hit._index,
      seqNo: hit._seq_no ?? 0,
      primaryTerm: hit._primary_term ?? 1,
      ...hit._source,
    });
    // Both at once: the real-time read of each mention's home month, and a search for the same ids
    // across every month (which sees documents only once refreshed).
    const [response, elsewhere] = await Promise.all([
      this.engine.request<{ docs: StoredHit[] }>("POST", "/_mget", {
        docs: mentions.map((mention) => ({ _index: this.names.indexFor(mention.publishedAt), _id: mention.id, _source: STORED_FIELDS })),
      }),
      this.engine.request<{ hits: { hits: StoredHit[] } }>(
        "POST",
        `/${this.names.pattern}/_search`,
        { size: mentions.length, query: { ids: { values: mentions.map((mention) => mention.id) } }, _source: STORED_FIELDS, seq_no_primary_term: true },
        { ignore_unavailable: true, allow_no_indices: true },
      ),
    ]);
    let missing: string[] = [];
    response.docs.forEach((hit, position) => {
      const id = mentions[position]!.id;
      if (hit.found) stored.set(id, read(hit));
      else if (hit.error && hit.error.type !== "index_not_found_exception") addFailure(outcome, id, 503, hit.error);
      else missing.push(id);
    });
    // Written to another month by this process moments ago, maybe not yet visible to search.
    const recent = missing.flatMap((id) => {
      const index = this.recentHomes.get(id);
      return index ? [{ id, index }] : [];
    });
    if (recent.length > 0) {
      const again = await this.engine.request<{ docs: StoredHit[] }>("POST", "/_mget", {
        docs: recent.map((entry) => ({ _index: entry.index, _id: entry.id, _source: STORED_FIELDS })),
      });
      for (const hit of again.docs) if (hit.found) stored.set(hit._id, read(hit));
      missing = missing.filter((id) => !stored.has(id));
    }
    if (missing.length === 0) return stored;
    // The real-time read is the truth for the home month: a search hit there is a document deleted
    // since the last refresh (an erasure).
    const home = new Map(mentions.map((mention) => [mention.id, this.names.indexFor(mention.publishedAt)]));
    const wanted = new Set(missing);
    for (const hit of elsewhere.hits.hits) if (wanted.has(hit._id) && hit._index !== home.get(hit._id)) stored.set(hit._id, read(hit));
    return stored;
  }

  /**
   * Apply customer-service workflow events, in order, to their mentions' `workflow`. The state
   * is folded from the stored one (see applyWorkflowEvent); an event for a mention not indexed
   * yet leaves a stub that the mention fills in when it arrives (upserts keep `workflow`), so
   * the order in which the two topics are replayed does not matter. A reply sent after the
   * collector already saw it at the source is confirmed at once (confirmReplyAtSource, the same
   * rule planUpsert applies). The write is conditional on the document read: if a new version of
   * the mention (or another writer) came in between, it comes back as a retryable conflict and
   * is folded again from the new document. Outcome per mention id.
   */
  async applyWorkflow(events: WorkflowEvent[]): Promise<BulkOutcome> {
    const outcome = emptyOutcome();
    if (events.length === 0) return outcome;
    const byMention = new Map<string, WorkflowEvent[]>();
    for (const event of events) byMention.set(event.mentionId, [...(byMention.get(event.mentionId) ?? []), event]);
    const targets = [...byMention.entries()].map(([id, list]) => ({ id, index: this.names.indexFor(list[0]!.publishedAt), list }));
    const current = await this.engine.request<{ docs: StoredWorkflowHit[] }>("POST", "/_mget", {
      docs: targets.map((target) => ({ _index: target.index, _id: target.id, _source: WORKFLOW_READ_FIELDS })),
    });
    const lines: unknown[] = [];
    targets.forEach((target, position) => {
      const hit = current.docs[position];
      const doc = hit?.found ? hit._source : undefined;
      let state = doc?.workflow;
      for (const event of target.list) state = applyWorkflowEvent(state, event);
      state = confirmReplyAtSource(state, doc?.reply, doc?.collectedAt);
      if (hit?.found) {
        const condition = hit._seq_no !== undefined && hit._primary_term !== undefined ? { if_seq_no: hit._seq_no, if_primary_term: hit._primary_term } : { retry_on_conflict: 3 };
        lines.push({ update: { _index: target.index, _id: target.id, ...condition } });
        lines.push({ script: { source: SET_WORKFLOW, lang: "painless", params: { workflow: state } } });
      } else {
        // Not there when read: a stub, unless the mention arrived meanwhile (a conflict, folded again).
        lines.push({ create: { _index: target.index, _id: target.id } });
        lines.push({ id: target.id, workflow: state });
      }
    });
    const response = await this.engine.bulk<BulkResponse>(lines);
    classifyBulk(response, targets.map((target) => target.id), outcome);
    // A mention deleted between the read and the write (an erasure, a reindex): read again, leave a stub.
    const missing = outcome.rejected.filter((failure) => failure.status === 404);
    if (missing.length > 0) {
      outcome.rejected = outcome.rejected.filter((failure) => failure.status !== 404);
      outcome.retryable.push(...missing);
    }
    return outcome;
  }

  /**
   * The reply measures of a team's slice over the reviews published in `range` (see
   * reply-measures.ts): per source, per agent, and what waits. Only for a team with the full view
   * that sees the workflow; the API checks the team's actions.
   */
  async replyMeasures(team: TeamConfig, range: { from?: string | undefined; to?: string | undefined }, now = new Date()): Promise<ReplyMeasures> {
    assertSeesReplyMeasures(team);
    const context = { slaHours: team.replies.slaHours, from: range.from, to: range.to };
    try {
      const response = await this.engine.request<ReplyMeasuresResponse>(
        "POST",
        `/${this.names.teamAlias(team.id)}/_search`,
        { timeout: "10s", ...replyMeasuresRequest(team, range, now) },
        { ignore_unavailable: true, allow_no_indices: true },
      );
      return readReplyMeasures(response, context);
    } catch (error) {
      // No index yet (nothing collected): no reviews, no replies.
      if (error instanceof SearchRequestError && error.status === 404) return readReplyMeasures({ hits: { total: 0 } }, context);
      throw error;
    }
  }

  /** Ids of every mention by an author, by pseudonym or by name as the source gave it. */
  async idsByAuthor(pseudonym: string, name?: string): Promise<string[]> {
    const ids: string[] = [];
    let after: unknown[] | undefined;
    const should: Record<string, unknown>[] = [{ term: { authorPseudonym: pseudonym } }];
    if (name) should.push({ term: { "author.name": name } });
    for (;;) {
      const response = await this.engine.request<SearchResponse>(
        "POST",
        `/${this.names.pattern}/_search`,
        { size: 1_000, _source: false, query: { bool: { should, minimum_should_match: 1 } }, sort: [{ id: "asc" }], ...(after ? { search_after: after } : {}) },
        { ignore_unavailable: true, allow_no_indices: true },
      );
      const hits = response.hits.hits;
      ids.push(...hits.map((hit) => hit._id));
      if (hits.length < 1_000) return ids;
      after = hits[hits.length - 1]!.sort;
    }
  }

  /** Delete mentions by id from every index; returns how many were deleted. */
  async deleteByIds(ids: string[]): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < ids.length; start += 1_000) {
      const response = await this.engine.request<{ deleted: number }>(
        "POST",
        `/${this.names.pattern}/_delete_by_query`,
        { query: { ids: { values: ids.slice(start, start + 1_000) } } },
        { refresh: true, conflicts: "proceed", ignore_unavailable: true, allow_no_indices: true },
      );
      deleted += response.deleted;
    }
    return deleted;
  }

  /** Make everything indexed so far visible to search (tests and tools; the indexer does not wait). */
  async refresh(): Promise<void> {
    await this.engine.request("POST", `/${this.names.pattern}/_refresh`, undefined, { allow_no_indices: true });
  }

  /** Count documents (all mentions, or one team's slice), optionally only those matching `query`. */
  async count(target: string = this.names.all, query?: Record<string, unknown>): Promise<number> {
    try {
      const response = await this.engine.request<{ count: number }>("POST", `/${target}/_count`, query ? { query } : undefined, {
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      return response.count;
    } catch (error) {
      if (error instanceof SearchRequestError && error.status === 404) return 0;
      throw error;
    }
  }

  /** Remove the template and every mention index of this prefix (tests, and `odzew reindex`). */
  async drop(): Promise<void> {
    const indices = await this.indices();
    if (indices.length > 0) await this.engine.request("DELETE", `/${indices.join(",")}`);
    try {
      await this.engine.request("DELETE", `/_index_template/${this.names.template}`);
    } catch (error) {
      if (!(error instanceof SearchRequestError && error.status === 404)) throw error;
    }
  }
}

/** A 48-bit number from the leading hex digits of a hash: mention ids and sample seeds. */
export const sampleKeyOf = (hex: string): number => Number.parseInt(hex.slice(0, 12), 16);

/**
 * The document of a mention. The masked title and text are kept only where masking changed
 * something, so the pseudonymous view searches `masked.*` exactly where personal data was found
 * and the Polish analysis of a second copy is paid only there. `sampleKey` orders mentions in a
 * fixed random permutation (the id is a hash) for cheap reproducible samples.
 */
export function toDocument(mention: EnrichedMention): Record<string, unknown> {
  const { masked, ...rest } = mention;
  const doc = { ...rest, sampleKey: sampleKeyOf(mention.id) };
  if (!masked) return doc;
  const changed = masked.text !== mention.text || (masked.title ?? mention.title) !== mention.title;
  return changed ? { ...doc, masked } : doc;
}

/**
 * Sort the items of a bulk response into indexed, retryable (429, 409, 5xx, and refusals of the
 * cluster or index such as a write block or a closed index) and rejected (the document's fault).
 */
function classifyBulk(response: BulkResponse, ids: string[], outcome: BulkOutcome): void {
  response.items.forEach((entry, position) => {
    const item = Object.values(entry)[0];
    const id = ids[position] ?? item?._id ?? "";
    if (!item) outcome.retryable.push({ id, status: 0, reason: "missing item in bulk response" });
    else if (item.status >= 200 && item.status < 300) outcome.indexed.push(id);
    else addFailure(outcome, id, item.status, item.error);
  });
}

const SET_WORKFLOW = "ctx._source.workflow = params.workflow;";
