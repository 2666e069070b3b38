import { randomUUID } from "node:crypto";
import { withAnswerLink } from "../answer.ts";
import { HttpError } from "../http-errors.ts";
import { actionBodySchema, breakdownQuerySchema, filtersOf, queueQuerySchema } from "../params.ts";
import { actionResponseSchema, mentionPageSchema, slaResponseSchema } from "../responses.ts";
import { isMentionId } from "../rules/access.ts";
import { decideAction } from "../rules/workflow-action.ts";
import type { RouteModule } from "./define.ts";

/** The customer-service workflow: the queue, its SLA, and the actions on a mention. */
export const queueRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/queue",
      summary: "Mentions to answer: not answered, not closed, no reply at the source; most urgent, then oldest, first",
      action: "workflow",
      query: queueQuerySchema,
      response: mentionPageSchema,
    },
    async ({ team, query }) => {
      const page = await deps.search.queue(team, filtersOf(query), {
        size: query.size,
        after: query.after,
        status: query.status,
        ...(query.assignee ? { assignee: query.assignee } : {}),
      });
      return { ...page, items: page.items.map((item) => withAnswerLink(item, team, deps.configured)) };
    },
  );

  route(
    {
      method: "GET",
      path: "/queue/sla",
      summary: "Per source: mentions waiting for an answer and the age of the oldest",
      action: "workflow",
      query: breakdownQuerySchema,
      response: slaResponseSchema,
    },
    async ({ team, query }) => ({ sources: await deps.search.sla(team, filtersOf(query), deps.now()) }),
  );

  route(
    {
      method: "POST",
      path: "/mentions/{id}/actions",
      summary: "claim, release, answer, no-answer, reopen or note a mention; recorded as an event the indexer applies",
      action: "workflow",
      body: actionBodySchema,
      response: actionResponseSchema,
    },
    async ({ team, params, body, reply }) => {
      const id = params.id ?? "";
      const found = isMentionId(id) ? await deps.search.locate(team, id) : undefined;
      if (!found) throw new HttpError(404, "NOT_FOUND", "no such mention");
      if (!deps.publishWorkflow) throw new HttpError(503, "WORKFLOW_UNAVAILABLE", "workflow events cannot be recorded right now");
      const outcome = decideAction({ team, mentionId: id, mention: found, action: body.action, actor: body.actor, note: body.note, eventId: randomUUID(), at: deps.now() });
      if (outcome.kind === "conflict") throw new HttpError(409, "CONFLICT", outcome.message);
      await deps.publishWorkflow(outcome.event);
      reply.status(202);
      return { event: outcome.event };
    },
  );
};
