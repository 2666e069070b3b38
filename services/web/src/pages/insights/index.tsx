/**
 * CX insights: topics × sentiment (click a cell → its mentions, with their aspects), trends
 * against the period before, ratings per source, and the stratified sample reader, which shows a
 * sample at once and exports exactly that sample. The address is the view; views can be saved by
 * name in this browser and shared as links.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, apiText, download, query } from "../../api.ts";
import { Chart, type ChartClick } from "../../charts/chart.tsx";
import { MentionCard, anyView } from "../../components/mention.tsx";
import { Loaded, Updated } from "../../components/states.tsx";
import { useFormats } from "../../i18n.ts";
import { useLive } from "../../live.ts";
import { replaceParams, routeHref } from "../../route.ts";
import { may, useSession, useTopicLabel } from "../../session.ts";
import type { MentionPage, RatingsResponse, SampleResponse, TopicsResponse, Trend, TrendsResponse } from "../../types.ts";
import type { PageProps } from "../registry.ts";
import { STAR_COLOURS, STAR_KEYS, heatmapOption, ratingsOption } from "./chart-options.ts";
import {
  ARROWS,
  CELL_READ,
  NET_TOLERANCE,
  RANGES,
  SAMPLE_SIZES,
  SENTIMENTS,
  STRATA,
  cellAt,
  directionOf,
  heatmapMatrix,
  inCell,
  isSeed,
  periodOf,
  readState,
  stateParams,
  strataParam,
  type InsightsState,
  type RangeId,
  type Sentiment,
  type Strata,
} from "./model.ts";
import { VIEW_NAME_MAX, parseSavedViews, savedViewsKey, serializeSavedViews, viewNameProblem, withSavedView, withoutSavedView, type SavedView } from "./saved-views.ts";
import { useInsightsStrings } from "./strings.ts";
import "./insights.css";

/** Insights change slowly: ask again every 15 s while the tab is visible. */
const INSIGHTS_INTERVAL_MS = 15_000;
const TOPICS_SHOWN = 12;

/** A seed nobody has to type: 12 random base-36 characters. */
function newSeed(): string {
  const values = crypto.getRandomValues(new Uint32Array(2));
  return Array.from(values, (value) => value.toString(36).padStart(7, "0").slice(-6)).join("");
}

const update = (state: InsightsState, change: Partial<InsightsState>) => replaceParams(stateParams({ ...state, ...change }));

export function InsightsPage({ route }: PageProps) {
  const t = useInsightsStrings();
  const { team } = useSession();
  const state = readState(route.params);
  const canSample = may(team, "sample");
  const day = new Date().toISOString().slice(0, 10);
  const period = useMemo(() => periodOf(state.range, new Date()), [state.range, day]);

  // The sample is shown at once: a view without a seed gets one, in the address (so a reload, a
  // copied link or a saved view draws the same sample).
  useEffect(() => {
    if (canSample && !state.seed) update(state, { seed: newSeed() });
  }, [canSample, state.seed]);

  return (
    <div class="insights">
      <h1>{t("title")}</h1>
      <p class="muted">{t("intro")}</p>
      <ViewBar state={state} team={team.id} />
      <div class="grid">
        <Heatmap state={state} period={period} />
        <Ratings state={state} period={period} />
      </div>
      {state.topic && state.sentiment && <CellMentions state={state} topic={state.topic} sentiment={state.sentiment} period={period} />}
      <Trends period={period} />
      {canSample ? <SampleReader state={state} period={period} teamId={team.id} canExport={may(team, "export")} /> : <p class="muted">{t("noSampleAction")}</p>}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Range, link, saved views
// ---------------------------------------------------------------------------------------------

function ViewBar({ state, team }: { state: InsightsState; team: string }) {
  const t = useInsightsStrings();
  const [views, setViews] = useState<SavedView[]>(() => parseSavedViews(localStorage.getItem(savedViewsKey(team))));
  const [name, setName] = useState("");
  const [note, setNote] = useState<{ text: string; error?: boolean; link?: boolean } | undefined>(undefined);
  const store = (next: SavedView[]) => {
    localStorage.setItem(savedViewsKey(team), serializeSavedViews(next));
    setViews(next);
  };
  const save = (event: Event) => {
    event.preventDefault();
    const problem = viewNameProblem(name);
    if (problem) {
      setNote({ text: problem === "empty" ? t("nameEmpty") : t("nameLong", { max: VIEW_NAME_MAX }), error: true });
      return;
    }
    const at = location.hash.indexOf("?");
    store(withSavedView(views, { name, query: at === -1 ? "" : location.hash.slice(at + 1), savedAt: new Date().toISOString() }));
    setNote({ text: t("saved", { name: name.trim() }) });
    setName("");
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      setNote({ text: t("copied") });
    } catch {
      setNote({ text: t("copyFailed"), error: true, link: true });
    }
  };
  return (
    <section class="panel view-bar" aria-label={t("savedViews")}>
      <div class="toolbar">
        <label>
          {t("range")}
          <select value={state.range} onChange={(event) => update(state, { range: (event.currentTarget as HTMLSelectElement).value as RangeId })}>
            {RANGES.map((range) => (
              <option key={range} value={range}>
                {t(`range_${range}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => void copy()}>
          {t("copyLink")}
        </button>
        <form class="save-view" onSubmit={save}>
          <label>
            {t("saveName")}
            <input value={name} maxLength={VIEW_NAME_MAX + 20} onInput={(event) => setName((event.currentTarget as HTMLInputElement).value)} />
          </label>
          <button type="submit">{t("save")}</button>
        </form>
      </div>
      <p role="status" class={note?.error ? "error small" : "muted small"}>
        {note?.text}
      </p>
      {note?.link && (
        <label class="copy-field">
          {t("linkLabel")}
          <input readOnly value={location.href} onFocus={(event) => (event.currentTarget as HTMLInputElement).select()} />
        </label>
      )}
      <h2 class="small-heading">{t("savedViews")}</h2>
      {views.length === 0 ? (
        <p class="muted small">{t("noSavedViews")}</p>
      ) : (
        <ul class="saved-views">
          {views.map((view) => (
            <li key={view.name}>
              <a href={`#/insights${view.query ? `?${view.query}` : ""}`}>{view.name}</a>
              <button type="button" class="ghost" aria-label={t("removeView", { name: view.name })} title={t("removeView", { name: view.name })} onClick={() => store(withoutSavedView(views, view.name))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Topics × sentiment, and the mentions of a cell
// ---------------------------------------------------------------------------------------------

/** A type, not an interface: it goes into query() as a record. */
type Period = { from: string; to: string };

function Heatmap({ state, period }: { state: InsightsState; period: Period }) {
  const t = useInsightsStrings();
  const topicLabel = useTopicLabel();
  const formats = useFormats();
  const path = `/stats/topics${query({ ...period, size: TOPICS_SHOWN })}`;
  const live = useLive((signal) => api<TopicsResponse>(path, { signal }), path, INSIGHTS_INTERVAL_MS);
  const open = (topic: string, sentiment: Sentiment) => update(state, { topic, sentiment });
  return (
    <section class="panel" aria-labelledby="heatmap-title">
      <h2 id="heatmap-title">{t("heatmap")}</h2>
      <p class="muted small">{t("heatmapHelp")}</p>
      <Loaded live={live}>
        {(data) => {
          if (data.topics.length === 0) return <p class="muted">{t("noTopics")}</p>;
          const matrix = heatmapMatrix(data.topics);
          const names = SENTIMENTS.map((label) => t(label));
          return (
            <>
              <Chart
                id="topics-heatmap"
                label={t("heatmapLabel", { range: t(`range_${state.range}`) })}
                height={96 + 34 * matrix.topics.length}
                option={heatmapOption({ matrix, sentiments: names, count: (value) => formats.number(value), seriesName: t("mentions"), topicLabel })}
                onClick={(click: ChartClick) => {
                  const cell = cellAt(matrix, click.data);
                  if (cell) open(cell.topic, cell.sentiment);
                }}
              />
              <details>
                <summary>{t("heatmap")}: {t("mentions").toLowerCase()}</summary>
                <table class="heatmap-table">
                  <thead>
                    <tr>
                      <th scope="col">{t("topic")}</th>
                      {SENTIMENTS.map((label) => (
                        <th scope="col" class="num" key={label}>
                          {t(label)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.topics.map((topic) => (
                      <tr key={topic.topic}>
                        <th scope="row">{topicLabel(topic.topic)}</th>
                        {SENTIMENTS.map((label) => {
                          const count = topic.sentiment[label] ?? 0;
                          return (
                            <td class="num" key={label}>
                              {count === 0 ? (
                                formats.number(0)
                              ) : (
                                <button type="button" class="link" aria-label={t("showCell", { count: formats.number(count), topic: topicLabel(topic.topic), sentiment: t(label) })} onClick={() => open(topic.topic, label)}>
                                  {formats.number(count)}
                                </button>
                              )}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function CellMentions({ state, topic, sentiment, period }: { state: InsightsState; topic: string; sentiment: Sentiment; period: Period }) {
  const t = useInsightsStrings();
  const topicLabel = useTopicLabel();
  const formats = useFormats();
  // The topic's mentions, newest first; the cell's are those whose clause about the topic has the
  // sentiment (as the heatmap counts them), not those whose whole text has it.
  const path = `/mentions${query({ topic, ...period, size: CELL_READ })}`;
  const live = useLive((signal) => api<MentionPage>(path, { signal }), path, INSIGHTS_INTERVAL_MS);
  return (
    <section class="panel cell-mentions" aria-labelledby="cell-title">
      <div class="cell-head">
        <h2 id="cell-title">{t("cellTitle", { topic: topicLabel(topic), sentiment: t(sentiment) })}</h2>
        <a href={routeHref("mentions", { topic, from: period.from.slice(0, 10) })}>{t("openInMentions", { topic: topicLabel(topic) })}</a>
        <button type="button" class="secondary" onClick={() => update(state, { topic: undefined, sentiment: undefined })}>
          {t("closeCell")}
        </button>
      </div>
      <Loaded live={live}>
        {(page) => {
          const cell = page.items.filter((mention) => inCell(anyView(mention), topic, sentiment));
          return (
            <>
              <p class="muted small">
                {t("cellTotal", { count: cell.length })} · <Updated at={live.updatedAt} />
              </p>
              {page.total > page.items.length && <p class="muted small">{t("cellNewest", { count: formats.number(page.items.length), total: formats.number(page.total), topic: topicLabel(topic) })}</p>}
              {cell.map((mention) => {
                const aspects = anyView(mention).aspects ?? [];
                return (
                  <MentionCard key={mention.id} mention={mention}>
                    {aspects.length > 0 && (
                      <ul class="tags aspects" aria-label={t("aspects")}>
                        {aspects.map((aspect) => (
                          <li key={`${aspect.topic}-${aspect.label}`} class={`aspect ${aspect.label}${aspect.topic === topic ? " current" : ""}`}>
                            {t("aspect", { topic: topicLabel(aspect.topic), label: t(aspect.label) })}
                          </li>
                        ))}
                      </ul>
                    )}
                  </MentionCard>
                );
              })}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Trends
// ---------------------------------------------------------------------------------------------

function Trends({ period }: { period: Period }) {
  const t = useInsightsStrings();
  const topicLabel = useTopicLabel();
  const formats = useFormats();
  const path = `/stats/trends${query({ ...period, size: TOPICS_SHOWN })}`;
  const live = useLive((signal) => api<TrendsResponse>(path, { signal }), path, INSIGHTS_INTERVAL_MS);
  return (
    <section class="panel" aria-labelledby="trends-title">
      <h2 id="trends-title">{t("trends")}</h2>
      <Loaded live={live}>
        {(data) => (
          <>
            <p class="muted small">
              {t("trendsHelp", { current: periodWords(data.current, formats.locale), previous: periodWords(data.previous, formats.locale) })}{" "}
              <Updated at={live.updatedAt} />
            </p>
            <div class="table-scroll" tabIndex={0} role="group" aria-labelledby="trends-title">
              <table class="trends-table">
                <thead>
                  <tr>
                    <th scope="col">{t("topic")}</th>
                    <th scope="col" class="num">
                      {t("now")}
                    </th>
                    <th scope="col" class="num">
                      {t("before")}
                    </th>
                    <th scope="col">{t("change")}</th>
                    <th scope="col" class="num">
                      {t("netNow")}
                    </th>
                    <th scope="col">{t("netChange")}</th>
                  </tr>
                </thead>
                <tbody>
                  <TrendRow name={t("overall")} trend={data.overall} overall />
                  {data.topics.map((topic) => (
                    <TrendRow key={topic.topic} name={topicLabel(topic.topic)} trend={topic} />
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** A period's first and last day, as the UTC days it is made of (the same for every reader of a link). */
function periodWords(period: Period, locale: string): string {
  const days = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  return `${days.format(new Date(period.from))} – ${days.format(new Date(Date.parse(period.to) - 1))}`;
}

function TrendRow({ name, trend, overall }: { name: string; trend: Trend; overall?: boolean }) {
  const t = useInsightsStrings();
  const formats = useFormats();
  const count = directionOf(trend.change.count);
  const net = directionOf(trend.change.net, NET_TOLERANCE);
  const signed = (value: number, digits = 0) => formats.number(value, { signDisplay: "exceptZero", maximumFractionDigits: digits });
  const countWords = !overall && trend.previous.count === 0 && trend.current.count > 0 ? t("newNow") : count === "up" ? t("more") : count === "down" ? t("fewer") : t("same");
  const netWords = net === "up" ? t("better") : net === "down" ? t("worse") : t("same");
  return (
    <tr class={overall ? "overall" : undefined}>
      <th scope="row">{name}</th>
      <td class="num">{formats.number(trend.current.count)}</td>
      <td class="num">{formats.number(trend.previous.count)}</td>
      <td class={`change ${count}`}>
        <span aria-hidden="true">{ARROWS[count]}</span> {signed(trend.change.count)}
        {trend.change.ratio !== undefined && ` (${formats.number(trend.change.ratio, { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 0 })})`} <span class="words">{countWords}</span>
      </td>
      <td class="num">{signed(trend.current.net, 2)}</td>
      <td class={`change net-${net}`}>
        <span aria-hidden="true">{ARROWS[net]}</span> {signed(trend.change.net, 2)} <span class="words">{netWords}</span>
      </td>
    </tr>
  );
}

// ---------------------------------------------------------------------------------------------
// Ratings per source
// ---------------------------------------------------------------------------------------------

function Ratings({ state, period }: { state: InsightsState; period: Period }) {
  const t = useInsightsStrings();
  const formats = useFormats();
  const path = `/stats/ratings${query(period)}`;
  const live = useLive((signal) => api<RatingsResponse>(path, { signal }), path, INSIGHTS_INTERVAL_MS);
  const starNames = STAR_KEYS.map((star) => t("star", { count: Number(star) }));
  return (
    <section class="panel" aria-labelledby="ratings-title">
      <h2 id="ratings-title">{live.data?.by === "sourceType" ? t("ratingsByType") : t("ratings")}</h2>
      {live.data?.by === "sourceType" && <p class="muted small">{t("ratingsHelpType")}</p>}
      <Loaded live={live}>
        {(data) =>
          data.sources.length === 0 ? (
            <p class="muted">{t("noRatings")}</p>
          ) : (
          <>
            <Chart
              id="ratings"
              label={t("ratingsLabel", { range: t(`range_${state.range}`) })}
              height={80 + 40 * data.sources.length}
              option={ratingsOption({ sources: data.sources, starNames, count: (value) => formats.number(value) })}
            />
            <div class="table-scroll" tabIndex={0} role="group" aria-labelledby="ratings-title">
              <table class="ratings-table">
                <thead>
                  <tr>
                    <th scope="col">{t("source")}</th>
                    <th scope="col" class="num">
                      {t("rated")}
                    </th>
                    <th scope="col" class="num">
                      {t("mean")}
                    </th>
                    {STAR_KEYS.map((star, index) => (
                      <th scope="col" class="num" key={star}>
                        <span class="swatch" style={{ background: STAR_COLOURS[index] }} aria-hidden="true" />
                        <span aria-hidden="true">{star}★</span>
                        <span class="visually-hidden">{starNames[index]}</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.sources.map((source) => (
                    <tr key={source.source}>
                      <th scope="row">{source.source}</th>
                      <td class="num">{formats.number(source.count)}</td>
                      <td class="num">{formats.number(source.mean, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</td>
                      {STAR_KEYS.map((star) => (
                        <td class="num" key={star}>
                          {formats.number(source.stars[star])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loaded>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// The sample reader
// ---------------------------------------------------------------------------------------------

function SampleReader({ state, period, teamId, canExport }: { state: InsightsState; period: Period; teamId: string; canExport: boolean }) {
  const t = useInsightsStrings();
  const topicLabel = useTopicLabel();
  const [n, setN] = useState(String(state.n));
  const [strata, setStrata] = useState<Strata>(state.strata);
  const [seed, setSeed] = useState(state.seed ?? "");
  const [problem, setProblem] = useState<string | undefined>(undefined);
  // The form follows the address (a saved view opened, Back, "another sample").
  useEffect(() => {
    setN(String(state.n));
    setStrata(state.strata);
    setSeed(state.seed ?? "");
  }, [state.n, state.strata, state.seed]);

  const draw = (event: Event) => {
    event.preventDefault();
    const size = Number(n);
    if (!Number.isInteger(size) || size < SAMPLE_SIZES.min || size > SAMPLE_SIZES.max) {
      setProblem(`${t("size")}: ${SAMPLE_SIZES.min}–${SAMPLE_SIZES.max}`);
      return;
    }
    if (!isSeed(seed.trim())) {
      setProblem(t("seedInvalid"));
      return;
    }
    setProblem(undefined);
    update(state, { n: size, strata, seed: seed.trim() });
  };

  return (
    <section class="panel sample" aria-labelledby="sample-title">
      <h2 id="sample-title">{t("sample")}</h2>
      <p class="muted small">{t("sampleHelp")}</p>
      <form class="toolbar" onSubmit={draw}>
        <label>
          {t("strata")}
          <select value={strata} onChange={(event) => setStrata((event.currentTarget as HTMLSelectElement).value as Strata)}>
            {STRATA.map((option) => (
              <option key={option} value={option}>
                {t(`strata_${option}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("size")}
          <input type="number" min={SAMPLE_SIZES.min} max={SAMPLE_SIZES.max} step={1} value={n} onInput={(event) => setN((event.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t("seed")}
          <input value={seed} maxLength={100} spellcheck={false} autocomplete="off" onInput={(event) => setSeed((event.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t("draw")}</button>
        <button type="button" class="secondary" onClick={() => update(state, { seed: newSeed() })}>
          {t("another")}
        </button>
      </form>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {state.topic && state.sentiment && <p class="small">{t("sampleFiltered", { topic: topicLabel(state.topic), sentiment: t(state.sentiment) })}</p>}
      {state.seed && (
        <SampleResults
          params={{ n: state.n, strata: strataParam(state.strata), seed: state.seed, topic: state.topic, sentiment: state.sentiment, ...period }}
          teamId={teamId}
          canExport={canExport}
        />
      )}
    </section>
  );
}

/** What draws a sample, and exports the same one. */
interface SampleParams {
  n: number;
  strata: string | undefined;
  seed: string;
  topic: string | undefined;
  sentiment: Sentiment | undefined;
  from: string;
  to: string;
}

/** A stratum's key in words of the reader's language: "temat: Dostawa, wydźwięk: negatywny". */
function useStratumWords(): (key: Record<string, string>) => string {
  const t = useInsightsStrings();
  const topicLabel = useTopicLabel();
  const formats = useFormats();
  const languages = useMemo(() => new Intl.DisplayNames([formats.locale], { type: "language" }), [formats.locale]);
  const valueWords = (field: string, value: string): string => {
    if (field === "topic") return topicLabel(value);
    const sentiment = SENTIMENTS.find((label) => label === value);
    if (field === "sentiment" && sentiment) return t(sentiment);
    if (field === "lang" && /^[a-z]{2,3}$/.test(value)) return languages.of(value) ?? value;
    return value;
  };
  const fieldWords = (field: string): string => (field === "topic" || field === "sentiment" || field === "lang" ? t(`strata_${field}`) : field);
  return (key) =>
    Object.entries(key)
      .map(([field, value]) => `${fieldWords(field)}: ${valueWords(field, value)}`)
      .join(", ");
}

function SampleResults({ params, teamId, canExport }: { params: SampleParams; teamId: string; canExport: boolean }) {
  const t = useInsightsStrings();
  const stratumWords = useStratumWords();
  const formats = useFormats();
  const [exportNote, setExportNote] = useState<{ text: string; error?: boolean } | undefined>(undefined);
  const [exporting, setExporting] = useState(false);
  const path = `/sample${query({ ...params })}`;
  // Drawn once per set of parameters: a sample does not change under the reader's eyes.
  const live = useLive((signal) => api<SampleResponse>(path, { signal }), path, 0);

  const exportSample = async (format: "csv" | "ndjson", rows: number) => {
    setExporting(true);
    setExportNote(undefined);
    try {
      const text = await apiText(`/sample/export${query({ ...params, format })}`);
      const name = `odzew-${teamId}-sample-${params.seed}-${new Date().toISOString().slice(0, 10)}.${format}`;
      download(name, text, format === "csv" ? "text/csv;charset=utf-8" : "application/x-ndjson;charset=utf-8");
      setExportNote({ text: t("exported", { name, count: rows }) });
    } catch (error) {
      setExportNote({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <Loaded live={live}>
          {(sample) => (
            <>
              <div class="sample-head">
                <p class="sample-summary" data-seed={sample.seed}>
                  {t("sampleSummary", { drawn: sample.items.length, population: sample.population, seed: sample.seed })}
                </p>
                {canExport && (
                  <>
                    <button type="button" class="secondary" disabled={exporting} onClick={() => void exportSample("csv", sample.items.length)}>
                      {exporting ? t("exporting") : t("exportCsv")}
                    </button>
                    <button type="button" class="secondary" disabled={exporting} onClick={() => void exportSample("ndjson", sample.items.length)}>
                      {t("exportNdjson")}
                    </button>
                  </>
                )}
              </div>
              <p role="status" class={exportNote?.error ? "error small" : "muted small"}>
                {exportNote?.text}
              </p>
              {sample.strata.length > 1 && (
                <details>
                  <summary>{t("strata")}</summary>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("stratum")}</th>
                        <th scope="col" class="num">
                          {t("mentions")}
                        </th>
                        <th scope="col" class="num">
                          {t("allocated")}
                        </th>
                        <th scope="col" class="num">
                          {t("drawn")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {sample.strata.map((stratum) => (
                        <tr key={JSON.stringify(stratum.key)}>
                          <th scope="row">{stratumWords(stratum.key)}</th>
                          <td class="num">{formats.number(stratum.count)}</td>
                          <td class="num">{formats.number(stratum.allocated)}</td>
                          <td class="num">{formats.number(stratum.drawn)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              )}
              <ol class="sample-items" aria-label={t("sampleList")}>
                {sample.items.map(({ stratum, ...mention }) => (
                  <li key={mention.id}>
                    <MentionCard mention={mention}>
                      {Object.keys(stratum).length > 0 && <p class="muted small stratum">{t("inStratum", { stratum: stratumWords(stratum) })}</p>}
                    </MentionCard>
                  </li>
                ))}
              </ol>
            </>
          )}
      </Loaded>
    </>
  );
}
