/**
 * Mentions: the team's slice searched and filtered, page by page ("show more" follows the API's
 * cursor), each mention as the shared card. Every filter is in the address, so a link is the view;
 * a pseudonymous team is told that what it reads is masked, as the API gives it.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { SelectField } from "../../components/select-field.tsx";
import { MentionCard } from "../../components/mention.tsx";
import { ErrorNote, Loaded, Updated } from "../../components/states.tsx";
import { useComponentStrings } from "../../components/strings.ts";
import { useFormats } from "../../i18n.ts";
import { useLive } from "../../live.ts";
import { navigate, replaceParams } from "../../route.ts";
import { brandNameOf, useSession, useTopicLabel } from "../../session.ts";
import type { MentionPage, ShareOfVoice, SourcesResponse, Team, TopicsResponse } from "../../types.ts";
import type { PageProps } from "../registry.ts";
import { FILTER_NAMES, SENTIMENTS, filterParams, sortsFor, joinPages, narrowed, readFilters, searchPath, type FilterName, type MentionFilters } from "./filters.ts";
import { useMentionsStrings } from "./strings.ts";
import "./mentions.css";

/** Languages the enricher recognises (packages/nlp language.ts), offered when the slice does not name its own. */
const KNOWN_LANGUAGES = ["pl", "en", "de", "cs", "sk", "uk", "ru", "lt", "fr", "es", "it", "nl", "pt"];
/** How often the view asks whether more mentions match than it shows. */
const NEWER_INTERVAL_MS = 10_000;
/** The API counts exactly up to this many (packages/search: track_total_hits). */
const TOTAL_CAP = 100_000;

interface FilterOptions {
  sources: string[];
  topics: string[];
  brands: string[];
}

/** What the filters offer: the team's sources, its topics and brands (as the API counts them), once. */
async function loadOptions(team: Team, signal: AbortSignal): Promise<FilterOptions> {
  const quietly = <T,>(call: Promise<T>, fallback: T) => call.catch(() => fallback);
  const [sources, topics, brands] = await Promise.all([
    quietly(api<SourcesResponse>("/sources", { signal }), { sources: [] }),
    quietly(api<TopicsResponse>("/stats/topics?size=50", { signal }), { total: 0, topics: [] }),
    team.slice.brands?.length ? Promise.resolve(undefined) : quietly(api<ShareOfVoice>("/stats/share-of-voice?size=50", { signal }), { total: 0, brands: [] }),
  ]);
  return {
    sources: sources.sources.map((source) => source.id).sort(),
    topics: topics.topics.map((topic) => topic.topic).sort(),
    brands: team.slice.brands?.length ? [...team.slice.brands] : (brands?.brands.map((brand) => brand.brand).sort() ?? []),
  };
}

export function MentionsPage({ route }: PageProps) {
  const t = useMentionsStrings();
  const { team } = useSession();
  const paramsText = route.params.toString();
  const { filters, problems } = useMemo(() => readFilters(new URLSearchParams(paramsText)), [paramsText]);
  const path = searchPath(filters);
  const first = useLive((signal) => api<MentionPage>(path, { signal }), path, 0);
  const options = useLive((signal) => loadOptions(team, signal), `options:${team.id}`, 0);

  return (
    <section class="mentions" aria-labelledby="mentions-title">
      <h1 id="mentions-title">{t("title")}</h1>
      <p class="muted">{t("intro")}</p>
      {team.view === "pseudonymous" && (
        <p class="notice" role="note">
          {t("pseudonymous")}
        </p>
      )}
      <SearchForm filters={filters} />
      <Filters filters={filters} team={team} options={options.data} />
      {problems.length > 0 && (
        <ul class="problems error" role="alert">
          {problems.map((problem) => (
            <li key={problem.name}>{t("problem", { name: problem.name, value: problem.value, expected: t(`expected_${problem.expected}`) })}</li>
          ))}
        </ul>
      )}
      <h2 class="visually-hidden">{t("results")}</h2>
      <Loaded live={first}>{(page) => <Results key={path} filters={filters} firstPage={page} updatedAt={first.updatedAt} refresh={first.refresh} />}</Loaded>
    </section>
  );
}

function SearchForm({ filters }: { filters: MentionFilters }) {
  const t = useMentionsStrings();
  const [text, setText] = useState(filters.q ?? "");
  // The address is the truth: a link, Back or "clear" puts its text in the field.
  useEffect(() => setText(filters.q ?? ""), [filters.q]);
  const submit = (event: Event) => {
    event.preventDefault();
    // A new search is a step of its own: Back returns to the one before.
    navigate("mentions", { ...filterParams(filters), q: text.trim() });
  };
  return (
    <form class="search" role="search" onSubmit={submit}>
      <label for="mentions-q">{t("search")}</label>
      <div class="search-row">
        <input id="mentions-q" type="search" value={text} maxLength={500} aria-describedby="mentions-q-help" onInput={(event) => setText(event.currentTarget.value)} />
        <button type="submit">{t("searchButton")}</button>
      </div>
      <p id="mentions-q-help" class="muted small">
        {t("searchHelp")}
      </p>
    </form>
  );
}

function Filters({ filters, team, options }: { filters: MentionFilters; team: Team; options: FilterOptions | undefined }) {
  const t = useMentionsStrings();
  const formats = useFormats();
  const languageNames = useMemo(() => new Intl.DisplayNames([formats.locale], { type: "language" }), [formats.locale]);
  const words = useComponentStrings();
  const topicLabel = useTopicLabel();
  const set = (name: FilterName) => (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) => replaceParams({ [name]: event.currentTarget.value });
  const choose = (name: FilterName) => (value: string | undefined) => replaceParams({ [name]: value });
  const languages = team.slice.languages?.length ? team.slice.languages : KNOWN_LANGUAGES;
  const anyFilter = narrowed(filters) || filters.sort !== undefined;
  return (
    <fieldset class="filters">
      <legend>{t("filters")}</legend>
      {/* The pseudonymous view shows a source by its type only: the API refuses a filter by source id there. */}
      {team.view === "full" && (
        <SelectField label={t("source")} value={filters.source} options={options?.sources ?? []} anyLabel={t("any")} onChange={choose("source")} />
      )}
      <SelectField label={t("sentiment")} value={filters.sentiment} options={SENTIMENTS} anyLabel={t("any")} optionLabel={(sentiment) => words(sentiment)} onChange={choose("sentiment")} />
      {!team.hide.includes("rating") && (
        <label>
          {t("ratingMin")}
          <select value={filters.rating_min ?? ""} onChange={set("rating_min")}>
            <option value="">{t("anyF")}</option>
            {[1, 2, 3, 4, 5].map((stars) => (
              <option key={stars} value={stars}>
                {t("ratingAtLeast", { count: stars })}
              </option>
            ))}
          </select>
        </label>
      )}
      <SelectField label={t("topic")} value={filters.topic} options={[...(options?.topics ?? [])].sort((one, other) => topicLabel(one).localeCompare(topicLabel(other)))} anyLabel={t("any")} optionLabel={topicLabel} onChange={choose("topic")} />
      <SelectField label={t("lang")} value={filters.lang} options={languages} anyLabel={t("any")} optionLabel={(lang) => languageNames.of(lang) ?? lang} onChange={choose("lang")} />
      <SelectField label={t("brand")} value={filters.brand} options={options?.brands ?? []} anyLabel={t("anyF")} optionLabel={brandNameOf(team)} onChange={choose("brand")} />
      <label>
        {t("from")}
        <input type="date" value={filters.from ?? ""} max={filters.to} onChange={set("from")} />
      </label>
      <label>
        {t("to")}
        <input type="date" value={filters.to ?? ""} min={filters.from} onChange={set("to")} />
      </label>
      <SelectField label={t("sort")} value={filters.sort} options={sortsFor(team.hide)} anyLabel={t("sort_default")} optionLabel={(sort) => t(`sort_${sort}`)} onChange={choose("sort")} />
      {anyFilter && (
        <button type="button" class="secondary" onClick={() => replaceParams(Object.fromEntries(FILTER_NAMES.map((name) => [name, undefined])))}>
          {t("clear")}
        </button>
      )}
    </fieldset>
  );
}

interface MorePages {
  pages: MentionPage[];
  busy: boolean;
  error?: Error;
}

function Results({ filters, firstPage, updatedAt, refresh }: { filters: MentionFilters; firstPage: MentionPage; updatedAt: number | undefined; refresh(): void }) {
  const t = useMentionsStrings();
  const [more, setMore] = useState<MorePages>({ pages: [], busy: false });
  // A new first page (refreshed) starts the list again: later pages followed the old one.
  useEffect(() => setMore({ pages: [], busy: false }), [firstPage]);
  // Live without moving the list under the reader: the count is asked again, and when more
  // mentions match than were loaded, a button offers them.
  const countPath = searchPath(filters, undefined, 1);
  const latest = useLive((signal) => api<MentionPage>(countPath, { signal }), `count:${countPath}`, NEWER_INTERVAL_MS);
  const newer = latest.data && latest.updatedAt !== undefined && updatedAt !== undefined && latest.updatedAt > updatedAt ? latest.data.total - firstPage.total : 0;
  const pages = [firstPage, ...more.pages];
  const items = joinPages(pages.map((page) => page.items));
  const next = pages.at(-1)?.next;
  const total = firstPage.total;

  const loadMore = async () => {
    if (!next || more.busy) return;
    setMore((state) => ({ ...state, busy: true, error: undefined }));
    try {
      const page = await api<MentionPage>(searchPath(filters, next));
      setMore((state) => ({ pages: [...state.pages, page], busy: false }));
    } catch (error) {
      setMore((state) => ({ ...state, busy: false, error: error instanceof Error ? error : new Error(String(error)) }));
    }
  };

  return (
    <div class="results">
      <div class="results-head">
        <p class="total" aria-live="polite">
          <strong>{total >= TOTAL_CAP ? t("totalCapped", { count: TOTAL_CAP }) : t("total", { count: total })}</strong>
          {items.length < total && <span class="muted"> {t("shown", { shown: items.length, total })}</span>}
        </p>
        <span role="status">
          {newer > 0 && (
            <button type="button" class="newer" onClick={refresh}>
              {t("newer", { count: newer })}
            </button>
          )}
        </span>
        <span class="spacer" />
        <Updated at={updatedAt} />
        <button type="button" class="secondary" onClick={refresh}>
          {t("refresh")}
        </button>
      </div>
      {items.length === 0 ? (
        <p class="muted">{narrowed(filters) ? t("none") : t("noneAtAll")}</p>
      ) : (
        <ol class="mention-list">
          {items.map((mention) => (
            <li key={mention.id}>
              <MentionCard mention={mention} />
            </li>
          ))}
        </ol>
      )}
      {more.error && <ErrorNote error={more.error} retry={() => void loadMore()} />}
      {next && items.length < total && (
        <button type="button" class="more" disabled={more.busy} onClick={() => void loadMore()}>
          {more.busy ? t("loadingMore") : t("more")}
        </button>
      )}
    </div>
  );
}
