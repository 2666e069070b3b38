/**
 * Sources: the collector's health of every source of the team's slice, live. A source in alert
 * shows its code, since when, what the collector said (redacted by the API; generic words for a
 * pseudonymous team) and what to do; a never-polled one says so and where to look.
 */
import { api } from "../../api.ts";
import { Loaded, Updated } from "../../components/states.tsx";
import { useFormats } from "../../i18n.ts";
import { useLive } from "../../live.ts";
import { useSession } from "../../session.ts";
import type { SourceStatus, SourcesResponse } from "../../types.ts";
import type { PageProps } from "../registry.ts";
import { bySeverity } from "./health.ts";
import { useSourcesStrings } from "./strings.ts";
import "./sources.css";

/** How often the page asks again: health changes on the collector's schedule, not by the second. */
export const SOURCES_INTERVAL_MS = 5_000;

export function SourcesPage(_props: PageProps) {
  const t = useSourcesStrings();
  const { team } = useSession();
  const live = useLive((signal) => api<SourcesResponse>("/sources", { signal }), `sources:${team.id}`, SOURCES_INTERVAL_MS);
  return (
    <section class="sources" aria-labelledby="sources-title">
      <h1 id="sources-title">{t("title")}</h1>
      <p class="muted">{t("intro")}</p>
      <Loaded live={live}>
        {({ sources }) =>
          sources.length === 0 ? (
            <p class="muted">{t("none")}</p>
          ) : (
            <>
              <p class="summary">
                <strong>{t("summary", { count: sources.length })}</strong>
                {count(sources, "alert") > 0 && <span class="badge alert">{t("summaryAlert", { count: count(sources, "alert") })}</span>}
                {count(sources, "never-polled") > 0 && <span class="badge never">{t("summaryNever", { count: count(sources, "never-polled") })}</span>}
                <span class="spacer" />
                <span class="muted small">{t("updatedNote")}</span> <Updated at={live.updatedAt} />
              </p>
              <ul class="source-list">
                {bySeverity(sources).map((source) => (
                  <li key={source.id}>
                    <SourceCard source={source} />
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

const count = (sources: readonly SourceStatus[], status: SourceStatus["status"]) => sources.filter((source) => source.status === status).length;

function When({ at }: { at: string | undefined | null }) {
  const t = useSourcesStrings();
  const formats = useFormats();
  if (!at) return <>{t("never")}</>;
  return (
    <time dateTime={at} title={formats.dateTime(at)}>
      {formats.relative(at)}
    </time>
  );
}

function SourceCard({ source }: { source: SourceStatus }) {
  const t = useSourcesStrings();
  const formats = useFormats();
  const health = source.health;
  const alert = health?.alert;
  const headingId = `source-${source.id}`;
  return (
    <article class={`card source-card status-${source.status}`} aria-labelledby={headingId} data-source-id={source.id}>
      <header class="source-head">
        <h2 id={headingId}>{source.id}</h2>
        <span class={`badge status ${source.status}`}>{t(`status_${source.status}`)}</span>
      </header>
      {alert && (
        <div class="source-alert" role="group" aria-label={alert.code}>
          <p class="alert-code">
            <strong>{t("alertSince", { code: alert.code, reason: t(`reason_${alert.code}`), when: formats.relative(alert.since) })}</strong>
          </p>
          <p>
            {t("collectorSays")} {/* The collector's own words (English), redacted by the API. */}
            <q lang="en">{alert.message}</q>
          </p>
          <p>
            <strong>{t("advice")}</strong> {t(`advice_${alert.code}`)}
          </p>
        </div>
      )}
      {source.status === "never-polled" && <p class="source-alert">{t("neverPolledHelp")}</p>}
      <dl class="facts">
        {source.type && (
          <div>
            <dt>{t("type")}</dt>
            <dd>{source.type}</dd>
          </div>
        )}
        <div>
          <dt>{t("lastPoll")}</dt>
          <dd>
            <When at={health?.lastPollAt} />
          </dd>
        </div>
        <div>
          <dt>{t("lastSuccess")}</dt>
          <dd>
            <When at={health?.lastSuccessAt} />
          </dd>
        </div>
        {health?.lastNew !== undefined && (
          <div>
            <dt>{t("lastNew")}</dt>
            <dd>{formats.number(health.lastNew)}</dd>
          </div>
        )}
        {health?.lastParsed !== undefined && (
          <div>
            <dt>{t("lastParsed")}</dt>
            <dd>{formats.number(health.lastParsed)}</dd>
          </div>
        )}
        {health && health.consecutiveFailures > 0 && (
          <div>
            <dt>{t("failures")}</dt>
            <dd>{formats.number(health.consecutiveFailures)}</dd>
          </div>
        )}
        {source.status !== "never-polled" && (
          <div>
            <dt>{t("backfilled")}</dt>
            <dd>{source.backfilled ? t("yes") : t("no")}</dd>
          </div>
        )}
      </dl>
      {health?.retryNotBefore && <p class="muted small">{t("waitUntil", { when: formats.dateTime(health.retryNotBefore) })}</p>}
      {health?.catchingUp && (
        <p class="muted small">{t("catchingUp", { when: formats.relative(health.catchingUp.since), pages: health.catchingUp.pages, message: health.catchingUp.message })}</p>
      )}
      {health?.lastError && (
        <details class="last-error">
          <summary>{t("lastError")}</summary>
          <p lang="en">{health.lastError}</p>
        </details>
      )}
    </article>
  );
}
