/**
 * The PR crisis room: mentions over time stacked by sentiment with the alerts marked on them, the
 * mentions behind a bar or an alert, the loudest mentions, share of voice and the alert list with
 * its deliveries. Everything live (short polling) and everything in the address (range, brand,
 * drill-down): a link is the same view for a colleague of the team.
 */
import { useEffect, useMemo, useRef } from "preact/hooks";
import { api, query } from "../../api.ts";
import { Chart, type ChartClick } from "../../charts/chart.tsx";
import { MentionCard, reachOf, anyView } from "../../components/mention.tsx";
import { Loaded, Updated } from "../../components/states.tsx";
import { useFormats, type Formats } from "../../i18n.ts";
import { useLive } from "../../live.ts";
import { navigate, replaceParams } from "../../route.ts";
import { brandNameOf, useBrandName, useSession } from "../../session.ts";
import type { MentionPage, ShareOfVoice, TeamAlert, Timeline, AlertsResponse } from "../../types.ts";
import type { PageProps } from "../registry.ts";
import { shareOption, timelineOption } from "./chart-options.ts";
import {
  RANGES,
  STACK,
  alertMarks,
  crisisParams,
  drillForAlert,
  drillForBucket,
  drillQuery,
  parseCrisisState,
  rangeWindow,
  sentimentSeries,
  shareSeries,
  type AlertMark,
  type CrisisState,
  type Drill,
  type StackPart,
} from "./model.ts";
import { useCrisisStrings, type CrisisTranslate } from "./strings.ts";
import "./crisis.css";

/** The user's time zone: buckets are the user's hours and days. */
const timeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Warsaw";

/** Bucket labels in the user's language: hours with the day, days with the month. */
function bucketLabels(timeline: Timeline, formats: Formats, zone: string): string[] {
  const format = new Intl.DateTimeFormat(
    formats.locale,
    timeline.interval === "hour" ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone } : { day: "numeric", month: "short", year: "2-digit", timeZone: zone },
  );
  return timeline.buckets.map((bucket) => format.format(new Date(bucket.at)));
}

export function CrisisPage({ route }: PageProps) {
  const t = useCrisisStrings();
  const { team } = useSession();
  const brandName = brandNameOf(team);
  const state = parseCrisisState(route.params);
  const zone = timeZone();
  const { range, brand, drill } = state;

  /** Range and brand change the view in place; a drill-down is a step (Back returns). */
  const change = (next: Partial<CrisisState>) => replaceParams(crisisParams({ ...state, ...next }));
  const openDrill = (next: Drill | undefined, nextBrand = brand) => {
    if (next) navigate("crisis", crisisParams({ range, brand: nextBrand, drill: next }));
  };
  const closeDrill = () => navigate("crisis", crisisParams({ range, brand }));

  const timeline = useLive(
    (signal) => {
      const { from, interval } = rangeWindow(range, Date.now());
      return api<Timeline>(`/stats/timeline${query({ interval, split: "sentiment", brand, from, tz: zone })}`, { signal });
    },
    `timeline|${range}|${brand ?? ""}|${zone}`,
  );
  const alerts = useLive((signal) => api<AlertsResponse>("/alerts", { signal }), "alerts");
  const voice = useLive(
    async (signal) => {
      const { from, interval } = rangeWindow(range, Date.now());
      const [overTime, now] = await Promise.all([
        api<Timeline>(`/stats/timeline${query({ interval, split: "brand", from, tz: zone })}`, { signal }),
        api<ShareOfVoice>(`/stats/share-of-voice${query({ from })}`, { signal }),
      ]);
      return { overTime, now };
    },
    `voice|${range}|${zone}`,
    10_000,
  );
  const loud = useLive(
    (signal) => api<MentionPage>(`/mentions${query({ sort: "reach", brand, from: rangeWindow(range, Date.now()).from, size: 5 })}`, { signal }),
    `reach|${range}|${brand ?? ""}`,
    10_000,
  );

  const brands = team.slice.brands ?? voice.data?.now.brands.map((entry) => entry.brand) ?? [];
  const alertList = alerts.data?.alerts ?? [];

  return (
    <div class="crisis">
      <div class="crisis-head">
        <h1>{t("title")}</h1>
        <Updated at={timeline.updatedAt} />
      </div>
      <div class="toolbar" role="group" aria-label={t("controls")}>
        <fieldset class="ranges">
          <legend>{t("range")}</legend>
          {RANGES.map((option) => (
            <button key={option} type="button" class={option === range ? "" : "secondary"} aria-pressed={option === range} onClick={() => change({ range: option })}>
              {t(`range_${option}`)}
            </button>
          ))}
        </fieldset>
        {brands.length > 1 && (
          <label>
            {t("brand")}
            <select value={brand ?? ""} onChange={(event) => change({ brand: (event.currentTarget as HTMLSelectElement).value || undefined })}>
              <option value="">{t("allBrands")}</option>
              {brands.map((option) => (
                <option key={option} value={option}>
                  {brandName(option)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      <section class="panel" aria-labelledby="crisis-timeline">
        <h2 id="crisis-timeline">{t("timeline", { brand: brand ? brandName(brand) : t("allBrands") })}</h2>
        <Loaded live={timeline}>
          {(data) => <TimelineView timeline={data} alerts={alertList} state={state} zone={zone} onDrill={openDrill} />}
        </Loaded>
      </section>

      {drill && <DrillDown drill={drill} brand={brand} alerts={alertList} zone={zone} onClose={closeDrill} t={t} />}

      <section class="panel" aria-labelledby="crisis-alerts">
        <h2 id="crisis-alerts">{t("alerts")}</h2>
        <Loaded live={alerts} empty={(data) => data.alerts.length === 0}>
          {(data) => <AlertList alerts={data.alerts} selected={drill?.alert} onDrill={(alert) => openDrill(drillForAlert(alert), brands.length > 1 ? (alert.brand ?? brand) : brand)} t={t} />}
        </Loaded>
        {alerts.data?.mentionsUnavailable && <p class="muted small">{t("mentionsUnavailable")}</p>}
      </section>

      <div class="grid">
        <section class="panel" aria-labelledby="crisis-reach">
          <h2 id="crisis-reach">{t("loud", { range: t(`range_${range}`) })}</h2>
          <Loaded live={loud} empty={(page) => page.items.every((mention) => reachOf(anyView(mention)) === 0)}>
            {(page) => (
              <div class="loud">
                {page.items
                  .filter((mention) => reachOf(anyView(mention)) > 0)
                  .map((mention) => (
                    <MentionCard key={mention.id} mention={mention} />
                  ))}
              </div>
            )}
          </Loaded>
        </section>
        <section class="panel" aria-labelledby="crisis-voice">
          <h2 id="crisis-voice">{t("voice")}</h2>
          <Loaded live={voice}>{(data) => <VoiceView overTime={data.overTime} now={data.now} zone={zone} t={t} />}</Loaded>
        </section>
      </div>
    </div>
  );
}

function TimelineView({ timeline, alerts, state, zone, onDrill }: { timeline: Timeline; alerts: TeamAlert[]; state: CrisisState; zone: string; onDrill: (drill: Drill | undefined) => void }) {
  const t = useCrisisStrings();
  const formats = useFormats();
  const labels = useMemo(() => bucketLabels(timeline, formats, zone), [timeline, formats, zone]);
  const series = useMemo(() => sentimentSeries(timeline), [timeline]);
  // The marks move with the clock only when the data does: `now` is the timeline's end.
  const marks = useMemo(() => alertMarks(alerts, timeline, { brand: state.brand, now: Date.parse(timeline.to) }), [alerts, timeline, state.brand]);
  const names = useMemo(() => Object.fromEntries(STACK.map((part) => [part, t(`part_${part}`)])) as Record<StackPart, string>, [t]);
  const option = useMemo(
    () =>
      timelineOption({
        labels,
        series,
        names,
        marks,
        markLabel: (mark) => markLabel(mark, t),
        count: (value) => formats.number(value),
        axisName: t("axisMentions"),
      }),
    [labels, series, names, marks, t, formats],
  );
  const total = timeline.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const onClick = (click: ChartClick) => {
    if (click.componentType === "series" && typeof click.dataIndex === "number") {
      const part = STACK[click.seriesIndex ?? -1];
      onDrill(drillForBucket(timeline, click.dataIndex, part));
    } else if ((click.componentType === "markPoint" || click.componentType === "markArea") && typeof click.dataIndex === "number") {
      const mark = marks[click.dataIndex];
      const alert = mark && alerts.find((candidate) => candidate.key === mark.key);
      if (alert) onDrill(drillForAlert(alert));
    }
  };
  return (
    <>
      <p class="muted small">{t("chartHelp", { count: total, interval: t(`interval_${timeline.interval}`) })}</p>
      <Chart option={option} label={t("chartLabel", { count: total })} onClick={onClick} id="crisis-timeline" height={340} />
      <details class="numbers">
        <summary>{t("numbers")}</summary>
        <div class="table-scroll">
          <table data-table="timeline">
            <caption class="visually-hidden">{t("numbersCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t(`bucket_${timeline.interval}`)}</th>
                {STACK.map((part) => (
                  <th scope="col" class="num" key={part}>
                    {t(`part_${part}`)}
                  </th>
                ))}
                <th scope="col" class="num">
                  {t("total")}
                </th>
                <th scope="col">{t("alerts")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("mentionsBehind")}</span>
                </th>
              </tr>
            </thead>
            {/* Newest first: in a crisis the last hours matter; the chart reads left to right. */}
            <tbody>
              {timeline.buckets.map((bucket, index) => ({ bucket, index })).reverse().map(({ bucket, index }) => (
                <tr key={bucket.at} data-at={bucket.at}>
                  <th scope="row">{labels[index]}</th>
                  {STACK.map((part) => (
                    <td class="num" key={part} data-part={part}>
                      {formats.number(series[part][index] ?? 0)}
                    </td>
                  ))}
                  <td class="num" data-part="total">
                    {formats.number(bucket.count)}
                  </td>
                  <td data-part="alerts">
                    {marks
                      .filter((mark) => mark.at === index)
                      .map((mark) => markLabel(mark, t))
                      .join("; ")}
                  </td>
                  <td>
                    {bucket.count > 0 && (
                      <button type="button" class="link" onClick={() => onDrill(drillForBucket(timeline, index))}>
                        {t("show")}
                        <span class="visually-hidden">: {labels[index]}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

function markLabel(mark: AlertMark, t: CrisisTranslate): string {
  if (mark.kind === "spike" && mark.count !== undefined && mark.threshold !== undefined) return t("markSpike", { count: mark.count, threshold: mark.threshold });
  return t(`kind_${mark.kind}`);
}

function DrillDown({ drill, brand, alerts, zone, onClose, t }: { drill: Drill; brand: string | undefined; alerts: TeamAlert[]; zone: string; onClose: () => void; t: CrisisTranslate }) {
  const formats = useFormats();
  const brandName = useBrandName();
  const mentions = useLive((signal) => api<MentionPage>(`/mentions${query(drillQuery(drill, brand))}`, { signal }), `drill|${JSON.stringify(drill)}|${brand ?? ""}`, 5_000);
  const alert = drill.alert ? alerts.find((candidate) => candidate.key === drill.alert) : undefined;
  // A new drill-down takes the focus (and the screen): the keyboard user lands on what they asked for.
  const heading = useRef<HTMLHeadingElement>(null);
  const drillKey = JSON.stringify(drill);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "start" });
  }, [drillKey]);
  const when = new Intl.DateTimeFormat(formats.locale, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  const period = drill.to ? `${when.format(new Date(drill.from))} – ${when.format(new Date(drill.to))}` : t("since", { when: when.format(new Date(drill.from)) });
  return (
    <section class="panel drill" aria-labelledby="crisis-drill">
      <div class="drill-head">
        <h2 id="crisis-drill" tabIndex={-1} ref={heading}>
          {t("drillTitle")}
        </h2>
        <button type="button" class="secondary" onClick={onClose}>
          {t("back")}
        </button>
      </div>
      <p class="drill-filter">
        <span>{period}</span>
        {drill.sentiment && <span class={`badge ${drill.sentiment}`}>{t(`part_${drill.sentiment}`)}</span>}
        {drill.source && <span>{t("sourceIs", { source: drill.source })}</span>}
        {brand && <span>{t("brandIs", { brand: brandName(brand) })}</span>}
        {alert && <span>{t("ofAlert", { alert: alertTitle(alert, t, brandName) })}</span>}
      </p>
      <Loaded live={mentions} empty={(page) => page.items.length === 0}>
        {(page) => (
          <>
            <p class="muted small" aria-live="polite">
              {t("drillCount", { count: page.total })}
            </p>
            <div class="drill-list">
              {page.items.map((mention) => (
                <MentionCard key={mention.id} mention={mention} />
              ))}
            </div>
            {page.total > page.items.length && <p class="muted small">{t("drillMore", { shown: page.items.length, count: page.total })}</p>}
          </>
        )}
      </Loaded>
    </section>
  );
}

function alertTitle(alert: TeamAlert, t: CrisisTranslate, brandName: (id: string) => string): string {
  const subject = [alert.brand ? brandName(alert.brand) : undefined, alert.source].filter(Boolean).join(" · ");
  return subject ? `${t(`kind_${alert.kind}`)}: ${subject}` : t(`kind_${alert.kind}`);
}

function AlertList({ alerts, selected, onDrill, t }: { alerts: TeamAlert[]; selected: string | undefined; onDrill: (alert: TeamAlert) => void; t: CrisisTranslate }) {
  const formats = useFormats();
  const brandName = useBrandName();
  return (
    <ul class="alert-list">
      {alerts.map((alert) => (
        <li key={alert.key} class={`alert-item ${alert.status} kind-${alert.kind}${alert.key === selected ? " selected" : ""}`} data-alert-key={alert.key}>
          <div class="alert-line">
            <span class={`badge state-${alert.status}`}>{t(`status_${alert.status}`)}</span>
            <strong>{alertTitle(alert, t, brandName)}</strong>
            {alert.sentiment && <span class={`badge ${alert.sentiment}`}>{t(`part_${alert.sentiment === "negative" || alert.sentiment === "neutral" || alert.sentiment === "positive" ? alert.sentiment : "none"}`)}</span>}
          </div>
          <p class="alert-when small">
            {alert.status === "open" ? (
              <time dateTime={alert.openedAt} title={formats.dateTime(alert.openedAt)}>
                {t("openSince", { when: formats.relative(alert.openedAt), at: formats.dateTime(alert.openedAt) })}
              </time>
            ) : (
              <time dateTime={alert.resolvedAt ?? alert.updatedAt} title={formats.dateTime(alert.resolvedAt ?? alert.updatedAt)}>
                {t("resolvedAt", { when: formats.relative(alert.resolvedAt ?? alert.updatedAt), opened: formats.dateTime(alert.openedAt) })}
              </time>
            )}
          </p>
          {alert.kind === "spike" && alert.count !== undefined && alert.baseline && (
            <p class="alert-measure">
              {t("countVsThreshold", {
                count: alert.count,
                threshold: formats.number(alert.baseline.threshold),
                mean: formats.number(alert.baseline.mean),
                sd: formats.number(alert.baseline.sd),
                days: alert.baseline.days,
              })}
            </p>
          )}
          {alert.kind === "reach" && alert.mentions[0] && <p class="alert-measure">{t("reachOf", { count: reachOf(anyView(alert.mentions[0])) })}</p>}
          {alert.kind === "source-health" && (
            <p class="alert-measure">
              {alert.code && <code>{alert.code}</code>} {alert.message}
            </p>
          )}
          <Deliveries alert={alert} t={t} />
          {alert.kind !== "source-health" && (
            <button type="button" class="secondary" onClick={() => onDrill(alert)} aria-pressed={alert.key === selected}>
              {t("showAlert", { count: alert.count ?? alert.mentions.length })}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function Deliveries({ alert, t }: { alert: TeamAlert; t: CrisisTranslate }) {
  const formats = useFormats();
  const deliveries = alert.deliveries ?? [];
  if (deliveries.length === 0) return <p class="muted small">{t("noWebhooks")}</p>;
  return (
    <table class="deliveries">
      <caption class="visually-hidden">{t("deliveries")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("webhook")}</th>
          <th scope="col">{t("deliveryStatus")}</th>
          <th scope="col" class="num">
            {t("attempts")}
          </th>
          <th scope="col">{t("lastAttempt")}</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.webhook}>
            <td>
              <code>{delivery.webhook}</code>
            </td>
            <td>
              <span class={`delivery ${delivery.status}`}>{t(`delivery_${delivery.status}`)}</span>
              {delivery.reason && <span class="muted small"> — {delivery.reason}</span>}
            </td>
            <td class="num">{formats.number(delivery.attempts)}</td>
            <td>
              <time dateTime={delivery.at} title={formats.dateTime(delivery.at)}>
                {formats.relative(delivery.at)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VoiceView({ overTime, now, zone, t }: { overTime: Timeline; now: ShareOfVoice; zone: string; t: CrisisTranslate }) {
  const formats = useFormats();
  const labels = useMemo(() => bucketLabels(overTime, formats, zone), [overTime, formats, zone]);
  const { brands, shares } = useMemo(() => shareSeries(overTime), [overTime]);
  const brandName = useBrandName();
  const option = useMemo(() => shareOption({ labels, brands, shares, percent: (share) => formats.percent(share), brandName }), [labels, brands, shares, formats, brandName]);
  return (
    <>
      {brands.length > 0 && <Chart option={option} label={t("voiceChart")} id="crisis-voice" height={220} />}
      <table data-table="voice">
        <caption>{t("voiceNow")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("brand")}</th>
            <th scope="col" class="num">
              {t("mentions")}
            </th>
            <th scope="col" class="num">
              {t("share")}
            </th>
            <th scope="col" class="num">
              {t("net")}
            </th>
          </tr>
        </thead>
        <tbody>
          {now.brands.map((entry) => (
            <tr key={entry.brand}>
              <th scope="row">{brandName(entry.brand)}</th>
              <td class="num">{formats.number(entry.count)}</td>
              <td class="num">{formats.percent(entry.share, 1)}</td>
              <td class="num">{formats.number(entry.net, { maximumFractionDigits: 2, signDisplay: "exceptZero" })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

