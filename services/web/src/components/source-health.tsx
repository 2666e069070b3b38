/**
 * The shell's banner, on every page: when a source of the team's slice is in alert, or has never
 * been polled for long, counts and lists are silently incomplete; the banner says so in words and
 * links to the Sources page. It asks slowly (every 30 s): health changes on the collector's schedule.
 */
import { useEffect, useMemo, useRef } from "preact/hooks";
import { api } from "../api.ts";
import { useLive } from "../live.ts";
import { readFirstSeen, sourceProblems, storeFirstSeen, trackNeverPolled } from "../pages/sources/health.ts";
import { useSourcesStrings } from "../pages/sources/strings.ts";
import { routeHref, useRoute } from "../route.ts";
import { useSession } from "../session.ts";
import type { SourcesResponse } from "../types.ts";

export const BANNER_INTERVAL_MS = 30_000;
const firstSeenKey = (team: string) => `odzew-never-polled:${team}`;

export function SourceHealthBanner() {
  const t = useSourcesStrings();
  const { team } = useSession();
  const route = useRoute();
  const live = useLive((signal) => api<SourcesResponse>("/sources", { signal }), `source-health:${team.id}`, BANNER_INTERVAL_MS);
  // When this tab first saw each never-polled source (kept across reloads of the tab).
  const firstSeen = useRef(readFirstSeen(sessionStorage.getItem(firstSeenKey(team.id))));
  const sources = live.data?.sources;
  const now = live.updatedAt ?? 0;
  const problems = useMemo(() => {
    if (!sources) return [];
    firstSeen.current = trackNeverPolled(sources, firstSeen.current, now);
    return sourceProblems(sources, firstSeen.current, now);
  }, [sources, now]);
  useEffect(() => sessionStorage.setItem(firstSeenKey(team.id), storeFirstSeen(firstSeen.current)), [problems, team.id]);

  if (problems.length === 0) return null;
  // In words: "demo-zuraw (odmawia dostępu)"; the Sources page gives the code and what to do.
  const names = problems.map((problem) => `${problem.id} (${t(problem.code ? `reason_${problem.code}` : "reason_silent")})`).join(", ");
  return (
    <aside class="banner source-health" role="status" aria-label={t("bannerLabel")}>
      {t("banner", { count: problems.length, names })}{" "}
      {route.page !== "sources" && <a href={routeHref("sources")}>{t("bannerLink")}</a>}
    </aside>
  );
}
