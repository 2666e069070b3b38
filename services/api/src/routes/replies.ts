import { randomUUID } from "node:crypto";
import { decideReply, dryRun, renderTemplate, suggestTemplates, templateVarsOf, type RuleMention } from "@odzew/replies";
import type { ReplyTemplate, TeamConfig } from "@odzew/schema";
import { ruleMentionOf } from "@odzew/search";
import { replyCapability } from "@odzew/sources";
import { answerLink } from "../answer.ts";
import { HttpError } from "../http-errors.ts";
import { dryRunBodySchema, replyBodySchema, replyMeasuresQuerySchema, replyPreviewBodySchema } from "../params.ts";
import {
  dryRunResponseSchema,
  replyActionResponseSchema,
  replyMeasuresResponseSchema,
  replyPreviewSchema,
  replyRulesResponseSchema,
  replyTemplatesResponseSchema,
  replyViewSchema,
} from "../responses.ts";
import { isMentionId } from "../rules/access.ts";
import {
  DRY_RUN_MAX,
  dryRunCounts,
  dryRunItem,
  dryRunWindow,
  measuresRange,
  measuresRefusal,
  previewOf,
  replyTarget as targetOf,
  replyVia,
  rulesOfTeam,
  templatesOfTeam,
  type ReplyTarget,
} from "../rules/replies.ts";
import type { RouteDeps, RouteModule } from "./define.ts";

/** How many templates the picker suggests. */
const SUGGESTED = 5;

/** A template's variables for a mention: the template's brand (or the mention's first) by its name. */
function varsFor(deps: RouteDeps, mention: ReplyTarget, template: Pick<ReplyTemplate, "brand">, agent: string | undefined) {
  const brand = template.brand ?? mention.brands?.[0]?.id;
  return templateVarsOf(mention, brand === undefined ? undefined : (deps.brandNames().get(brand) ?? brand), agent);
}

/** One of the team's templates by id, or 400 naming where the ids are listed. */
function teamTemplate(deps: RouteDeps, team: TeamConfig, id: string | undefined): ReplyTemplate {
  const template = templatesOfTeam(deps.replies(), team).find((candidate) => candidate.id === id);
  if (!template) throw new HttpError(400, "BAD_REQUEST", `template: no template "${id ?? ""}" for this team in replies.yaml; GET /reply-templates lists them`);
  return template;
}

/** A mention of the team's slice as the reply rules need it, or 404 (another team's mention is the same as none). */
async function replyTarget(deps: RouteDeps, team: TeamConfig, id: string) {
  const [view, located] = isMentionId(id) ? await Promise.all([deps.search.get(team, id), deps.search.locate(team, id)]) : [undefined, undefined];
  const mention = view && located ? targetOf(view, located) : undefined;
  if (!mention) throw new HttpError(404, "NOT_FOUND", "no such mention");
  const source = deps.configured.get(mention.source.id);
  return { mention, source, capability: replyCapability(source) };
}

/** Answering reviews: the reply workflow of a mention, templates, rules and their dry run, the service measures. */
export const replyRoutes: RouteModule = (route, deps) => {
  route(
    {
      method: "GET",
      path: "/mentions/{id}/reply",
      summary: "How a mention is answered (by Odzew, or there with a link), its reply and who drafted, approved and sent it, suggested templates rendered for it",
      action: ["reply", "approve"],
      response: replyViewSchema,
    },
    async ({ team, params }) => {
      const { mention, source, capability } = await replyTarget(deps, team, params.id ?? "");
      // Like the mention's own answer link: none for a team that hides links.
      const link = team.hide.includes("url") ? undefined : answerLink(mention.source.type, source, mention.url);
      const templates = suggestTemplates(templatesOfTeam(deps.replies(), team), mention, SUGGESTED).map(({ template }) => {
        const rendered = renderTemplate(template, varsFor(deps, mention, template, undefined));
        return {
          id: template.id,
          name: template.name,
          lang: template.lang,
          ...(template.brand ? { brand: template.brand } : {}),
          preview: previewOf("text" in rendered ? { text: rendered.text } : { text: template.text, missing: rendered.missing }, capability),
        };
      });
      return {
        mentionId: mention.id,
        replyVia: replyVia(capability),
        capability,
        ...(link ? { answer: { ...link, replyVia: replyVia(capability) } } : {}),
        ...(mention.workflow?.reply ? { reply: mention.workflow.reply } : {}),
        approval: team.replies.approval,
        templates,
      };
    },
  );

  route(
    {
      method: "POST",
      path: "/mentions/{id}/reply",
      summary:
        "draft, send, approve, retry, delete, discard or record a reply; a sending goes to the responder's outbox first, then the events to the workflow topic",
      action: ["reply", "approve"],
      body: replyBodySchema,
      response: replyActionResponseSchema,
    },
    async ({ team, params, body, reply }) => {
      const { mention, capability } = await replyTarget(deps, team, params.id ?? "");
      if (!deps.publishWorkflow || !deps.publishReply) throw new HttpError(503, "WORKFLOW_UNAVAILABLE", "replies cannot be recorded right now");
      let text = body.text;
      if (text === undefined && body.template !== undefined) {
        const template = teamTemplate(deps, team, body.template);
        const rendered = renderTemplate(template, varsFor(deps, mention, template, body.actor));
        if (!("text" in rendered)) throw new HttpError(400, "BAD_REQUEST", `template "${template.id}" needs ${rendered.missing.map((name) => `{${name}}`).join(", ")}, which this mention has no value for: write the text yourself`);
        text = rendered.text;
      }
      const base = randomUUID();
      const decision = decideReply({
        team,
        mention,
        capability,
        action: body.action,
        actor: body.actor,
        ...(text !== undefined ? { text } : {}),
        ...(body.template !== undefined ? { template: body.template } : {}),
        eventId: (n: number) => `${base}-${n}`,
        at: deps.now(),
      });
      if (decision.kind === "forbidden") throw new HttpError(403, "FORBIDDEN", decision.message);
      if (decision.kind === "conflict") throw new HttpError(409, "CONFLICT", decision.message);
      if (decision.kind === "invalid") throw new HttpError(400, "BAD_REQUEST", decision.message);
      // The command first: once it is on the outbox the reply is sent even if this process dies
      // now; the events only record it (the responder's own events would follow anyway).
      if (decision.command) await deps.publishReply(decision.command);
      for (const event of decision.events) await deps.publishWorkflow(event);
      reply.status(202);
      return { events: decision.events, queued: decision.command !== undefined };
    },
  );

  route(
    {
      method: "POST",
      path: "/replies/preview",
      summary: "A text, or a template rendered for a mention: its length against the store's limit, characters over, variables without a value",
      action: ["reply", "approve"],
      body: replyPreviewBodySchema,
      response: replyPreviewSchema,
    },
    async ({ team, body, reply }) => {
      const { mention, capability } = await replyTarget(deps, team, body.mentionId);
      reply.status(202);
      if (body.text !== undefined) return previewOf({ text: body.text }, capability);
      const template = teamTemplate(deps, team, body.template);
      const rendered = renderTemplate(template, varsFor(deps, mention, template, body.actor));
      return previewOf("text" in rendered ? { text: rendered.text } : { text: template.text, missing: rendered.missing }, capability);
    },
  );

  route(
    { method: "GET", path: "/reply-templates", summary: "The reply templates of the team's brands and languages (replies.yaml)", action: ["reply", "approve"], response: replyTemplatesResponseSchema },
    async ({ team }) => ({ templates: templatesOfTeam(deps.replies(), team) }),
  );

  route(
    { method: "GET", path: "/reply-rules", summary: "The team's reply rules (replies.yaml): conditions, templates, draft or send, throttle", action: ["reply", "approve"], response: replyRulesResponseSchema },
    async ({ team }) => ({ rules: rulesOfTeam(deps.replies(), team) }),
  );

  route(
    {
      method: "POST",
      path: "/reply-rules/{id}/dry-run",
      summary: "What a reply rule would have answered, drafted or skipped (and why) over the team's mentions of the last `days` days, oldest first",
      action: "reply",
      heavy: true,
      notFound: "no such reply rule of the team in replies.yaml",
      body: dryRunBodySchema,
      response: dryRunResponseSchema,
    },
    async ({ team, params, body, reply }) => {
      const rule = rulesOfTeam(deps.replies(), team).find((candidate) => candidate.id === params.id);
      if (!rule) throw new HttpError(404, "NOT_FOUND", `no reply rule "${params.id ?? ""}" of team "${team.id}" in replies.yaml; GET /reply-rules lists them`);
      const { release, signal } = await deps.heavyRead(team, reply);
      try {
        const now = deps.now();
        const window = dryRunWindow(now, body.days);
        const mentions: RuleMention[] = [];
        let truncated = false;
        for await (const view of deps.search.scan(team, window, 500)) {
          signal.throwIfAborted();
          if (mentions.length >= DRY_RUN_MAX) {
            truncated = true;
            break;
          }
          const mention = ruleMentionOf(view);
          if (mention) mentions.push(mention);
        }
        const brandNames = deps.brandNames();
        const texts = new Map(mentions.map((mention) => [mention.id, mention.text]));
        const entries = dryRun(rule, mentions, {
          team,
          templates: deps.replies().templates,
          brandName: (brand) => brandNames.get(brand),
          capability: (mention) => replyCapability(deps.configured.get(mention.source.id)),
        });
        const items = entries.map((entry) => dryRunItem(entry, texts.get(entry.mentionId) ?? ""));
        reply.status(202);
        return { rule: rule.id, ...window, scanned: mentions.length, truncated, counts: dryRunCounts(items), items };
      } finally {
        release();
      }
    },
  );

  route(
    {
      method: "GET",
      path: "/replies/measures",
      summary: "Service measures of the team's slice: time to first reply (p50, p90) and share within the SLA per source and per agent; replies awaiting approval, failed",
      action: ["reply", "workflow"],
      query: replyMeasuresQuerySchema,
      response: replyMeasuresResponseSchema,
    },
    async ({ team, query }) => {
      const refusal = measuresRefusal(team);
      if (refusal) throw new HttpError(403, "FORBIDDEN", refusal);
      if (!deps.replyMeasures) throw new HttpError(503, "SEARCH_UNAVAILABLE", "the reply measures cannot be read right now");
      const now = deps.now();
      return deps.replyMeasures(team, measuresRange(query, now), now);
    },
  );
};
