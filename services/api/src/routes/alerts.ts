import { SearchRequestError, projectAlert, type MentionView } from "@odzew/search";
import { withAnswerLink } from "../answer.ts";
import { alertsQuerySchema } from "../params.ts";
import { alertsResponseSchema } from "../responses.ts";
import { alertMentionIds, alertsForTeam } from "../rules/alerts.ts";
import type { RouteModule } from "./define.ts";

/** The crisis alerts of the team's slice, with the mentions behind them in the team's view. */
export const alertRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/alerts",
      summary: "Crisis alerts: negative spikes, high-reach mentions, source health; open first, newest first",
      action: "alerts",
      query: alertsQuerySchema,
      response: alertsResponseSchema,
    },
    async ({ team, query, request }) => {
      const visible = alertsForTeam(deps.alerts(), team, { now: deps.now(), sources: deps.sources(), status: query.status, size: query.size });
      // The mentions behind them, through the team's own slice and view. An alert must reach PR
      // when the engine is in trouble too: then without its mentions.
      let mentions: Map<string, MentionView>;
      let mentionsUnavailable = false;
      try {
        mentions = await deps.search.getMany(team, alertMentionIds(visible));
      } catch (error) {
        if (!(error instanceof SearchRequestError && error.retryable)) throw error;
        request.log.warn({ err: error }, "alerts served without their mentions: the search engine is unavailable");
        mentions = new Map();
        mentionsUnavailable = true;
      }
      const shown = new Map([...mentions].map(([id, mention]) => [id, withAnswerLink(mention, team, deps.configured)]));
      return { alerts: visible.map((alert) => projectAlert(alert, team, shown)), ...(mentionsUnavailable ? { mentionsUnavailable: true as const } : {}) };
    },
  );
};
