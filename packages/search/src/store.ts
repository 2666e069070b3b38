import type { Logger } from "@odzew/core";
import type { EnrichedMention, TeamConfig, WorkflowEvent, WorkflowState } from "@odzew/schema";
import { SearchRequestError, type Engine } from "./engine.ts";
import { applyWorkflowEvent } from "./workflow.ts";
import { indexNames, indexTemplate, mentionMappings, sliceFilter, type IndexNames, type PolishAnalysis } from "./mappings.ts";

/** One bulk item the engine did not accept. */
export interface BulkFailure {
  id: string;
  status: number;
  reason: string;
}

/** What happened to each mention of a bulk upsert. */
export interface BulkOutcome {
  indexed: string[];
  /** Failed for a reason that may pass (429, 5xx, a version conflict): send again later. */
  retryable: BulkFailure[];
  /** Refused for good (mapping or document error): dead-letter with the reason. */
  rejected: BulkFailure[];
}

interface BulkResponse {
  errors: boolean;
  items: Record<string, { _id: string; status: number; error?: { type?: string; reason?: string } }>[];
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
   * Insert or replace mentions by id. The pipeline's fields are replaced whole (a field the new
   * version lacks disappears, exactly as a rebuild from the topics would have it); the one field
   * the pipeline does not own, the service `workflow`, is carried over.
   */
  async upsert(mentions: EnrichedMention[]): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { indexed: [], retryable: [], rejected: [] };
    if (mentions.length === 0) return outcome;
    const lines: unknown[] = [];
    for (const mention of mentions) {
      const doc = toDocument(mention);
      lines.push({ update: { _index: this.names.indexFor(mention.publishedAt), _id: mention.id, retry_on_conflict: 3 } });
      lines.push({ script: { source: REPLACE_KEEPING_WORKFLOW, lang: "painless", params: { doc } }, upsert: doc });
    }
    const response = await this.engine.bulk<BulkResponse>(lines);
    classifyBulk(response, mentions.map((mention) => mention.id), outcome);
    return outcome;
  }

  /**
   * Apply customer-service workflow events, in order, to their mentions' `workflow`. The state
   * is folded from the stored one (see applyWorkflowEvent); an event for a mention not indexed
   * yet leaves a stub that the mention fills in when it arrives (upserts keep `workflow`), so
   * the order in which the two topics are replayed does not matter. Outcome per mention id.
   */
  async applyWorkflow(events: WorkflowEvent[]): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { indexed: [], retryable: [], rejected: [] };
    if (events.length === 0) return outcome;
    const byMention = new Map<string, WorkflowEvent[]>();
    for (const event of events) byMention.set(event.mentionId, [...(byMention.get(event.mentionId) ?? []), event]);
    const targets = [...byMention.entries()].map(([id, list]) => ({ id, index: this.names.indexFor(list[0]!.publishedAt), list }));
    const current = await this.engine.request<{ docs: { _id: string; found?: boolean; _source?: { workflow?: WorkflowState } }[] }>(
      "POST",
      "/_mget",
      { docs: targets.map((target) => ({ _index: target.index, _id: target.id, _source: ["workflow"] })) },
    );
    const lines: unknown[] = [];
    targets.forEach((target, position) => {
      let state = current.docs[position]?._source?.workflow;
      for (const event of target.list) state = applyWorkflowEvent(state, event);
      lines.push({ update: { _index: target.index, _id: target.id, retry_on_conflict: 3 } });
      lines.push({ script: { source: SET_WORKFLOW, lang: "painless", params: { workflow: state } }, upsert: { id: target.id, workflow: state } });
    });
    const response = await this.engine.bulk<BulkResponse>(lines);
    classifyBulk(response, targets.map((target) => target.id), outcome);
    return outcome;
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

/** Sort the items of a bulk response into indexed, retryable (429, 409, 5xx) and rejected. */
function classifyBulk(response: BulkResponse, ids: string[], outcome: BulkOutcome): void {
  response.items.forEach((entry, position) => {
    const item = Object.values(entry)[0];
    const id = ids[position] ?? item?._id ?? "";
    if (!item) {
      outcome.retryable.push({ id, status: 0, reason: "missing item in bulk response" });
    } else if (item.status >= 200 && item.status < 300) {
      outcome.indexed.push(id);
    } else {
      const failure = { id, status: item.status, reason: `${item.error?.type ?? "error"}: ${item.error?.reason ?? "unknown"}` };
      if (item.status === 429 || item.status === 409 || item.status >= 500) outcome.retryable.push(failure);
      else outcome.rejected.push(failure);
    }
  });
}

const SET_WORKFLOW = "ctx._source.workflow = params.workflow;";

const REPLACE_KEEPING_WORKFLOW =
  "def workflow = ctx._source.workflow; ctx._source = params.doc; if (workflow != null) { ctx._source.workflow = workflow; }";
