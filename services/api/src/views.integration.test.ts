import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKFLOW_SCHEMA_VERSION, type Alert } from "@odzew/schema";
import { SECRETS, TEAM_KEYS, canaries, personalMention, seededMention, startApiFixture, type ApiFixture } from "./test-support.ts";

/**
 * What each view must not let through on the routes around the mentions: alerts, workflow
 * refusals, filters on hidden fields, source health, links; and requests that used to become
 * 500s (engine refusals, forged cursors, huge alternations) or hold the engine (exports).
 */
const now = new Date();
const slice = Array.from({ length: 40 }, (_, index) => seededMention(index, now));
const personal = personalMention(now);
const canary = canaries(now);
/** An older document whose link would run script in a browser. */
const scripted = seededMention(900_010, now, { url: "javascript:alert(document.cookie)", author: { name: "Klient X", profileUrl: "data:text/html,<script>alert(1)</script>" } });
/**
 * Enough bytes (about 10 MB of NDJSON, far beyond what the sockets buffer) that an export the
 * client does not read stays open; long links, which the engine stores but does not analyse.
 */
const bulk = Array.from({ length: 1_000 }, (_, index) => seededMention(10_000 + index, now, { url: `https://opinie.example.pl/${index}/${"a".repeat(10_000)}` }));
const TOKEN_URL = "https://api.example.com/v1/places?key=SEKRETNY-KLUCZ-123&place=1";

const record = (key: string, fields: Partial<Alert>): Alert => ({
  schemaVersion: 1,
  key,
  kind: "spike",
  status: "open",
  message: key,
  openedAt: new Date(now.getTime() - 3_600_000).toISOString(),
  updatedAt: now.toISOString(),
  mentions: [],
  delivered: true,
  ...fields,
});

/**
 * Alert records as an older alerter wrote them: the mention behind them with its original text,
 * e-mail, link and source id in the record.
 */
const ALERTS: Alert[] = [
  record(`reach:${personal.id}`, {
    kind: "reach",
    brand: "zuraw",
    source: "opineo-sklep",
    sentiment: "negative",
    languages: ["pl"],
    message: `High-reach mention of zuraw on opineo-sklep: reach 900, negative`,
    mentions: [{ id: personal.id, source: "opineo-sklep", title: personal.title, text: personal.text, url: personal.url, publishedAt: personal.publishedAt }],
  }),
  record("spike:zuraw:opineo-sklep:negative", { brand: "zuraw", source: "opineo-sklep", sentiment: "negative", languages: ["de", "pl"], mentions: [{ id: canary.german.id, text: canary.german.text, publishedAt: canary.german.publishedAt }] }),
  record("spike:zuraw:app-store-pl:positive", { brand: "zuraw", source: "app-store-pl", sentiment: "positive", languages: ["pl"], mentions: [{ id: slice[5]!.id, text: slice[5]!.text, publishedAt: slice[5]!.publishedAt }] }),
  record("spike:zuraw:ceneo-sklep:negative:old-record", { brand: "zuraw", source: "ceneo-sklep", sentiment: "negative" }),
  record("reach:no-brand", { kind: "reach", source: "opineo-sklep", sentiment: "negative", languages: ["pl"] }),
  record("spike:obca:opineo-sklep:negative", { brand: "obca", source: "opineo-sklep", sentiment: "negative", languages: ["pl"] }),
  record("source-health:opineo-sklep", { kind: "source-health", source: "opineo-sklep", code: "BLOCKED", message: `Source opineo-sklep cannot be read (BLOCKED): HTTP 403 from ${TOKEN_URL}. Its counts mean nothing until it is fixed.` }),
];

const health = {
  maxParsed: 10,
  requests: 4,
  httpErrors: 2,
  consecutiveFailures: 2,
  lastError: `HTTP 403 at https://user:hasło@opinie.example.pl/sklep?token=abc123`,
  alert: { code: "BLOCKED" as const, message: `403 twice in a row from ${TOKEN_URL}`, since: now.toISOString() },
};

describe("views beyond the mention list, on the real engine", () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await startApiFixture("views", [...slice, personal, scripted, ...bulk, ...Object.values(canary)], {
      alerts: ALERTS,
      heavyReadsPerTeam: 2,
      heavyReadWaitMs: 1_500,
      sources: [
        {
          id: "opineo-sklep",
          type: "opineo",
          brands: ["zuraw"],
          cursor: { schemaVersion: 1, sourceId: "opineo-sklep", seen: [], backfilled: true, health, updatedAt: now.toISOString() },
        },
      ],
    });
  }, 180_000);
  afterAll(async () => {
    // The aborted exports leave fetch's spare connections behind, which a graceful close would
    // wait for until their header timeout; every test is done by now.
    api?.app.server.closeAllConnections();
    await api?.cleanup();
  });

  it("shows a pseudonymous team masked alerts: never the author, link, e-mail or source id of the mention behind them", async () => {
    const { status, body, text } = await api.get("/alerts", "cxops");
    expect(status).toBe(200);
    for (const secret of [...Object.values(SECRETS), "Bożeno", "opinie.example.pl", "SEKRETNY", "api.example.com"]) expect(text).not.toContain(secret);
    const reach = body.alerts.find((alert: { key: string }) => alert.key === `reach:${personal.id}`);
    expect(reach.mentions).toHaveLength(1);
    expect(reach.mentions[0]).toMatchObject({ id: personal.id, text: personal.masked!.text, source: { type: "opineo" }, hasReply: true });
    expect(reach.mentions[0]).not.toHaveProperty("url");
    expect(reach.mentions[0]).not.toHaveProperty("author");
    expect(reach.mentions[0].source).not.toHaveProperty("id");
    // The collector's message is for the full view: a code and generic words instead.
    const blocked = body.alerts.find((alert: { key: string }) => alert.key === "source-health:opineo-sklep");
    expect(blocked.message).toContain("BLOCKED");

    // The full view sees the same alert with the original, and URLs without their tokens.
    const pr = await api.get("/alerts", "pr");
    const full = pr.body.alerts.find((alert: { key: string }) => alert.key === `reach:${personal.id}`);
    expect(full.mentions[0].text).toContain(SECRETS.email);
    expect(full.mentions[0].url).toBe(personal.url);
    expect(pr.text).not.toContain("SEKRETNY");
    expect(pr.text).toContain("api.example.com/v1/places?key=…");
  });

  it("shows an alert only to teams whose whole slice it lies in: brand, language, sentiment", async () => {
    const keys = async (team: "cxops" | "negative" | "pr") => ((await api.get("/alerts", team)).body.alerts as { key: string }[]).map((alert) => alert.key).sort();
    // cxops: Polish only: not the spike that counts German mentions, nor an old record that
    // does not say its languages; never an alert without a brand (its slice names one).
    expect(await keys("cxops")).toEqual([`reach:${personal.id}`, "source-health:opineo-sklep", "spike:zuraw:app-store-pl:positive"].sort());
    // negative: only negative sentiment, any language.
    expect(await keys("negative")).toEqual(
      [`reach:${personal.id}`, "source-health:opineo-sklep", "spike:zuraw:ceneo-sklep:negative:old-record", "spike:zuraw:opineo-sklep:negative"].sort(),
    );
    // The German mention behind a spike PR sees is in PR's slice; one outside a slice is dropped.
    const pr = (await api.get("/alerts", "pr")).body.alerts as { key: string; mentions: { id: string }[] }[];
    expect(pr.find((alert) => alert.key === "spike:zuraw:opineo-sklep:negative")!.mentions.map((mention) => mention.id)).toEqual([canary.german.id]);
    expect(pr.map((alert) => alert.key)).not.toContain("spike:obca:opineo-sklep:negative");
    expect(pr.map((alert) => alert.key)).not.toContain("reach:no-brand");
  });

  it("does not name the agent holding a claim to a pseudonymous team; a full-view team sees the name", async () => {
    const target = slice[0]!;
    const outcome = await api.store.applyWorkflow([
      { schemaVersion: WORKFLOW_SCHEMA_VERSION, eventId: randomUUID(), mentionId: target.id, publishedAt: target.publishedAt, team: "service", actor: "ola@zuraw.pl", type: "claimed", at: now.toISOString() },
    ]);
    expect(outcome.rejected).toEqual([]);
    await api.store.refresh();
    const cx = await api.post(`/mentions/${target.id}/actions`, "cxops", { action: "answer", actor: "jan" });
    expect(cx.status).toBe(409);
    expect(cx.body.error.message).toContain("claimed by another agent");
    expect(JSON.stringify(cx.body)).not.toContain("ola@zuraw.pl");
    const service = await api.post(`/mentions/${target.id}/actions`, "service", { action: "answer", actor: "jan" });
    expect(service.status).toBe(409);
    expect(service.body.error.message).toContain("claimed by ola@zuraw.pl");
  });

  it("refuses filters on fields the pseudonymous view hides, with the reason, and shows no source id", async () => {
    for (const path of [
      "/queue?assignee=ola%40zuraw.pl",
      "/queue?status=claimed&assignee=nobody",
      "/queue/sla",
      "/mentions?source=opineo-sklep",
      `/mentions?q=${encodeURIComponent("source:opineo-sklep")}`,
      "/stats/timeline?split=source",
      "/sample?n=5&strata=source",
    ]) {
      const response = await api.get(path, "cxops");
      expect(response.status, path).toBe(400);
      expect(response.body.error.message, path).toMatch(/pseudonymous view does not show/);
    }
    // The full view may filter by assignee.
    expect((await api.get("/queue?assignee=ola%40zuraw.pl", "service")).status).toBe(200);
    const items = (await api.get("/mentions?size=100", "cxops")).body.items as { source: Record<string, unknown> }[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.source).not.toHaveProperty("id");
      expect(item.source.type).toBeDefined();
    }
    const exported = await api.get("/export?format=ndjson", "cxops");
    expect(exported.text).not.toContain('"opineo-sklep"');
  });

  it("never serves a javascript:, data: or file: link, from any document", async () => {
    const full = await api.get(`/mentions/${scripted.id}`, "service");
    expect(full.status).toBe(200);
    expect(full.body).not.toHaveProperty("url");
    expect(full.body).not.toHaveProperty("answer");
    expect(full.body.author).toEqual({ name: "Klient X" });
    expect(full.text).not.toMatch(/javascript:|data:text/);
    const csv = await api.get(`/export?format=csv&q=${encodeURIComponent("Opinia")}`, "service");
    expect(csv.text).not.toContain("javascript:");
  });

  it("shows collector errors without tokens, and to views other than full only as a code", async () => {
    const service = await api.get("/sources", "service");
    expect(service.status).toBe(200);
    expect(service.text).not.toMatch(/SEKRETNY|abc123|hasło/);
    expect(service.body.sources[0].health.lastError).toBe("HTTP 403 at https://…@opinie.example.pl/sklep?token=…");
    const cx = await api.get("/sources", "cxops");
    expect(cx.body.sources[0].status).toBe("alert");
    expect(cx.body.sources[0].health.alert.code).toBe("BLOCKED");
    expect(cx.body.sources[0].health).not.toHaveProperty("lastError");
    expect(cx.text).not.toContain("example");
  });

  it("answers 400, never 500, to queries the engine refuses, forged cursors and huge alternations", async () => {
    // A time zone Node knows but the engine does not: the engine refuses the aggregation.
    const zone = await api.get("/stats/timeline?tz=ROC", "pr");
    expect(zone.status).toBe(400);
    expect(zone.body.error.message).toMatch(/cannot run this query/);
    expect(zone.text).not.toMatch(/zone_rules|exception|Unknown time-zone/);
    for (const cursor of [
      Buffer.from(JSON.stringify({ s: "newest", v: ["9999-99-99", "x"] })).toString("base64url"),
      Buffer.from(JSON.stringify({ s: "newest", v: [1, { script: 1 }] })).toString("base64url"),
      Buffer.from(JSON.stringify({ s: "priority", v: ["x", 1, "y"] })).toString("base64url"),
    ]) {
      const sort = (JSON.parse(Buffer.from(cursor, "base64url").toString()) as { s: string }).s;
      const response = await api.get(`/mentions?sort=${sort}&after=${cursor}`, "pr");
      expect(response.status, cursor).toBe(400);
      expect(response.body.error.message).toMatch(/invalid cursor/);
    }
    for (const team of ["pr", "cxops"] as const) {
      for (const q of [
        Array.from({ length: 200 }, () => "a").join("|"),
        `text:${Array.from({ length: 200 }, () => "a").join("|")}`,
        Array.from({ length: 160 }, () => "a").join(","),
        // Distinct alternatives: the engine cannot fold them, and the pseudonymous view searches two copies.
        Array.from({ length: 100 }, (_, index) => `w${index}`).join("|"),
      ]) {
        const response = await api.get(`/mentions?q=${encodeURIComponent(q)}`, team);
        expect(response.status, `${team} ${q.slice(0, 20)}`).toBe(400);
        expect(response.body.error.message).toMatch(/at most 64 words/);
      }
      // At the cap, the engine runs it.
      const atCap = Array.from({ length: 32 }, (_, index) => `w${index}`).join("|");
      expect((await api.get(`/mentions?q=${encodeURIComponent(atCap)}`, team)).status).toBe(200);
    }
  });

  it("runs at most two exports and samples per team at once: a third waits a moment for a slot, then 429 with Retry-After; other teams unaffected", async () => {
    // Each export can be dropped as a client that goes away would: its connection closed.
    const clients: AbortController[] = [];
    const open = async () => {
      const client = new AbortController();
      clients.push(client);
      // `connection: close`: fetch's pool otherwise opens a spare connection after an abort,
      // which the server's close waits for until its header timeout.
      return fetch(`${api.base}/api/v1/export?format=ndjson`, { headers: { authorization: `Bearer ${TEAM_KEYS.service}`, connection: "close" }, signal: client.signal });
    };
    // Two exports of 1,000 mentions with long links the client does not read: both stay open.
    const first = await open();
    const second = await open();
    expect([first.status, second.status]).toEqual([200, 200]);
    // A third asked for meanwhile waits its turn, and starts as soon as one of the two ends.
    const waiting = open();
    await new Promise((resolve) => setTimeout(resolve, 300));
    clients[0]!.abort();
    expect((await waiting).status).toBe(200);
    // Beyond the wait (1.5 s in this fixture): 429 with Retry-After.
    const third = await open();
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await third.json()) as { error: { message: string } }).error.message).toMatch(/already runs 2 exports or samples/);
    // Another team is not held up.
    expect((await api.get("/export?format=ndjson&q=Kanarek", "pr")).status).toBe(200);
    // The client goes away: its slot is free again.
    for (const client of clients) client.abort();
    // Wait on the condition (the server has seen both connections close), with a deadline.
    let again = await open();
    for (const deadline = Date.now() + 10_000; again.status === 429 && Date.now() < deadline; again = await open()) {
      await again.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(again.status).toBe(200);
    for (const client of clients) client.abort();
  });
});
