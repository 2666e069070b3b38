import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opineoSourceSchema, type Alert } from "@odzew/schema";
import { checkJson, type JsonSchema } from "./json-schema-check.ts";
import { canaries, personalMention, seededMention, startApiFixture, type ApiFixture, type TEAM_KEYS } from "./test-support.ts";

/**
 * The API keeps to the document it serves: every documented GET route, called with team keys of
 * both views, answers a body that fits the response schema of /api/v1/openapi.json (read from the
 * running API, so a route whose answer drifts from its documentation fails here), and every route
 * the API registers under /api/v1 is in that document.
 */
const now = new Date();
const slice = Array.from({ length: 30 }, (_, index) => seededMention(index, now));
const personal = personalMention(now);
const canary = canaries(now);

const ALERTS: Alert[] = [
  {
    schemaVersion: 1,
    key: `reach:${personal.id}`,
    kind: "reach",
    status: "open",
    brand: "zuraw",
    source: "opineo-sklep",
    sentiment: "negative",
    languages: ["pl"],
    message: "High-reach mention of zuraw on opineo-sklep",
    openedAt: new Date(now.getTime() - 3_600_000).toISOString(),
    updatedAt: now.toISOString(),
    mentions: [{ id: personal.id, publishedAt: personal.publishedAt }],
    delivered: true,
  },
  {
    schemaVersion: 1,
    key: "source-health:opineo-sklep",
    kind: "source-health",
    status: "open",
    source: "opineo-sklep",
    code: "BLOCKED",
    message: "Source opineo-sklep cannot be read (BLOCKED): HTTP 403 from https://opinie.example.pl/?token=x",
    openedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    mentions: [],
    delivered: true,
  },
];

/** Teams of both views; between them every action. */
const TEAMS = ["pr", "service", "negative", "rival", "cx", "cxops"] as const satisfies readonly (keyof typeof TEAM_KEYS)[];
const PSEUDONYMOUS = new Set<string>(["cx", "cxops"]);
/** Routes no pseudonymous team may ever use (replies name and answer authors): 403 for that view, checked in the full view only. */
const FULL_VIEW_ONLY = new Set<string>(["/mentions/{id}/reply", "/reply-templates", "/reply-rules", "/replies/measures"]);

/** Variants of a route's query worth holding to the document besides its defaults. */
const VARIANTS: Record<string, string[]> = {
  "/mentions": ["", "?sort=oldest&size=5", "?q=dostawa"],
  "/stats/timeline": ["", "?interval=week&split=sentiment"],
  "/queue": ["", "?status=open"],
  "/sample": ["?n=10", "?n=10&strata=topic,sentiment&seed=kontrakt"],
  "/alerts": ["", "?status=open"],
  "/export": ["?format=ndjson"],
};

/**
 * The routes of Fastify's route tree (`printRoutes`): one line per node, indented four characters
 * a level, each node's path continuing its parent's, its methods in parentheses.
 */
function registeredRoutes(tree: string): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split("\n")) {
    const match = /^([\s│]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = `${depth > 0 ? (prefixes[depth - 1] ?? "") : ""}${match[2]}`;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[3] ?? "").split(",").map((part) => part.trim())) {
      if (method && method !== "HEAD") routes.push(`${method} ${path.replace(/:(\w+)/g, "{$1}")}`);
    }
  }
  return routes;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

describe("the OpenAPI contract, on the real engine", () => {
  let api: ApiFixture;
  let document: Document;

  beforeAll(async () => {
    api = await startApiFixture("contract", [...slice, personal, ...Object.values(canary)], {
      alerts: ALERTS,
      sources: [
        {
          id: "opineo-sklep",
          type: "opineo",
          brands: ["zuraw"],
          config: opineoSourceSchema.parse({ id: "opineo-sklep", type: "opineo", url: "https://www.opineo.pl/opinie/sklep-example-pl", brands: ["zuraw"], schedule: "*/15 * * * *" }),
          cursor: {
            schemaVersion: 1,
            sourceId: "opineo-sklep",
            seen: [],
            backfilled: true,
            health: { maxParsed: 10, requests: 4, httpErrors: 2, consecutiveFailures: 2, lastError: "HTTP 403", alert: { code: "BLOCKED", message: "403 twice", since: now.toISOString() } },
            updatedAt: now.toISOString(),
          },
        },
        { id: "app-store-pl", type: "app-store", brands: ["zuraw"] },
      ],
    });
    const response = await fetch(`${api.base}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  }, 180_000);
  afterAll(async () => {
    await api?.cleanup();
  });

  /** The path of a documented route with its `{id}` filled by a mention the team sees. */
  async function concretePath(path: string, team: keyof typeof TEAM_KEYS): Promise<string | undefined> {
    if (!path.includes("{id}")) return path;
    const listed = await api.get("/mentions?size=1", team);
    const id = listed.body?.items?.[0]?.id as string | undefined;
    return id ? path.replace("{id}", id) : undefined;
  }

  it("answers every documented GET route, for teams of both views, with a body that fits the served document", async () => {
    const routes = Object.entries(document.paths).flatMap(([path, methods]) => (methods.get ? [{ path, operation: methods.get }] : []));
    expect(routes.length).toBeGreaterThanOrEqual(12);
    /** For each route: the views whose answers were checked. */
    const checked = new Map<string, Set<string>>();
    /** Routes the pseudonymous view refuses (they read what it does not show). */
    const refused = new Set<string>();
    for (const { path, operation } of routes) {
      const success = operation.responses["200"]?.content;
      expect(success, `${path}: no documented success body`).toBeDefined();
      for (const team of TEAMS) {
        const concrete = await concretePath(path, team);
        if (!concrete) continue;
        for (const variant of VARIANTS[path] ?? [""]) {
          const { status, body, text } = await api.get(`${concrete}${variant}`, team);
          // A route the team may not use (403) is not a body to check; one its view cannot show
          // (the per-source SLA without source ids) answers the documented 400 error.
          if (status === 403) {
            if (FULL_VIEW_ONLY.has(path) && PSEUDONYMOUS.has(team)) refused.add(path);
            continue;
          }
          if (status === 400 && PSEUDONYMOUS.has(team) && /not allowed: the pseudonymous view/.test(text)) {
            expect(checkJson(body, operation.responses["400"]!.content!["application/json"]!.schema, document)).toEqual([]);
            refused.add(path);
            continue;
          }
          expect(status, `${team} GET ${concrete}${variant}: ${text.slice(0, 300)}`).toBe(200);
          const errors = success!["application/json"]
            ? checkJson(body, success!["application/json"].schema, document)
            : text
                .split("\n")
                .filter((line) => line !== "")
                .flatMap((line, index) => checkJson(JSON.parse(line), success!["application/x-ndjson"]!.schema, document, `$line${index + 1}`));
          expect(errors, `${team} GET ${concrete}${variant}`).toEqual([]);
          const views = checked.get(path) ?? new Set<string>();
          views.add(PSEUDONYMOUS.has(team) ? "pseudonymous" : "full");
          checked.set(path, views);
        }
      }
    }
    // Every documented GET route was checked in both views, but where the pseudonymous view refuses it.
    for (const { path } of routes) expect([...(checked.get(path) ?? [])].sort(), path).toEqual(refused.has(path) ? ["full"] : ["full", "pseudonymous"]);
    expect([...refused].sort()).toEqual(["/queue/sla", ...FULL_VIEW_ONLY].sort());
  });

  it("documents the answer of a workflow action, and the action answers with it", async () => {
    const operation = document.paths["/mentions/{id}/actions"]?.post;
    const schema = operation?.responses["202"]?.content?.["application/json"]?.schema;
    expect(schema).toBeDefined();
    const target = slice[7]!;
    const { status, body } = await api.post(`/mentions/${target.id}/actions`, "service", { action: "note", actor: "ola@zuraw.pl", note: "kontrakt" });
    expect(status).toBe(202);
    expect(checkJson(body, schema!, document)).toEqual([]);
  });

  it("documents the answer of a reply step and of a preview, and they answer with it", async () => {
    const target = slice[11]!;
    const recorded = await api.post(`/mentions/${target.id}/reply`, "service", { action: "record", text: "Dziękujemy, odpisaliśmy na stronie opinii.", actor: "ola@zuraw.pl" });
    expect(recorded.status).toBe(202);
    expect(checkJson(recorded.body, document.paths["/mentions/{id}/reply"]!.post!.responses["202"]!.content!["application/json"]!.schema, document)).toEqual([]);
    const preview = await api.post("/replies/preview", "service", { mentionId: target.id, text: "Dziękujemy!" });
    expect(preview.status).toBe(202);
    expect(checkJson(preview.body, document.paths["/replies/preview"]!.post!.responses["202"]!.content!["application/json"]!.schema, document)).toEqual([]);
  });

  it("documents every route it registers under /api/v1", () => {
    const registered = registeredRoutes(api.app.printRoutes({ commonPrefix: false })).filter((route) => route.includes(" /api/v1/"));
    expect(registered.length).toBeGreaterThanOrEqual(14);
    const documented = new Set(Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} /api/v1${path}`)));
    const undocumented = registered.filter((route) => route !== "GET /api/v1/openapi.json" && !documented.has(route));
    expect(undocumented).toEqual([]);
  });
});
