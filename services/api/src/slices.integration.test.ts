import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workflowEventSchema, type EnrichedMention } from "@odzew/schema";
import { readTopic } from "@odzew/testing";
import { SECRETS, canaries, personalMention, seededMention, startApiFixture, type ApiFixture } from "./test-support.ts";

type Item = EnrichedMention & { workflow?: { status: string; assignee?: string; notes: number; history?: { type: string; actor: string }[] }; answer?: { url: string } };

const now = new Date();
const slice = Array.from({ length: 60 }, (_, index) => seededMention(index, now));
const personal = personalMention(now);
const canary = canaries(now);
const ALL = [...slice, personal, ...Object.values(canary)];

describe("team slices through the API, on the real engine", () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await startApiFixture("slices", ALL);
  });
  afterAll(async () => {
    await api?.cleanup();
  });

  /** Every mention a team can page through for a query, following the cursors. */
  const everything = async (team: "pr" | "service" | "cx" | "rival", query = "") => {
    const items: Item[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const { status, body } = await api.get(`/mentions?size=25${query}${after ? `&after=${after}` : ""}`, team);
      expect(status).toBe(200);
      items.push(...(body.items as Item[]));
      after = body.next;
      if (!after) break;
    }
    return items;
  };

  it("gives each team exactly its slice, and canaries of other slices never appear", async () => {
    const ids = async (team: "pr" | "service" | "cx" | "rival") => new Set((await everything(team)).map((item) => item.id));
    const own = [...slice, personal].map((mention) => mention.id);

    const pr = await ids("pr");
    expect(pr).toEqual(new Set([...own, canary.old.id, canary.german.id, canary.competitor.id]));
    const service = await ids("service");
    expect(service).toEqual(new Set([...own, canary.german.id]));
    const cx = await ids("cx");
    expect(cx).toEqual(new Set([...own, canary.old.id]));
    expect(await ids("rival")).toEqual(new Set([canary.rival.id]));
  });

  it("keeps a team in its slice whatever the parameters ask for", async () => {
    for (const query of ["&brand=obca", "&q=brand:obca", "&q=obcej", "&q=Kanarek", "&brand=obca,zuraw", "&source=opineo-sklep&q=-brand:zuraw"]) {
      const items = await everything("service", query);
      for (const item of items) {
        expect(item.brands.map((brand) => brand.id), query).toContain("zuraw");
        expect([canary.rival.id, canary.old.id, canary.competitor.id], query).not.toContain(item.id);
      }
    }
  });

  it("answers 404 for another team's mention, without its content", async () => {
    const response = await api.get(`/mentions/${canary.rival.id}`, "service");
    expect(response.status).toBe(404);
    expect(response.text).not.toContain("Kanarek");
    expect((await api.get(`/mentions/${canary.rival.id}`, "rival")).status).toBe(200);
    expect((await api.get(`/mentions/${canary.old.id}`, "service")).status).toBe(404);
  });

  it("shows CX no personal data: pseudonyms, masked text, no authors, links or replies, anywhere", async () => {
    const responses = [
      await api.get(`/mentions/${personal.id}`, "cx"),
      await api.get("/mentions?size=100", "cx"),
      await api.get("/mentions?size=100&q=reklamacji", "cx"),
      await api.get("/sample?n=61&seed=x&strata=topic,sentiment", "cx"),
      await api.get("/export?format=ndjson", "cx"),
      await api.get("/export?format=csv", "cx"),
    ];
    for (const response of responses) {
      expect(response.status).toBe(200);
      for (const secret of [...Object.values(SECRETS), "Bożeno", "Klient 1", "profileUrl", "nativeId"]) expect(response.text).not.toContain(secret);
    }
    const one = responses[0]!.body as Item & { hasReply: boolean };
    expect(one.text).toBe(personal.masked?.text);
    expect(one.authorPseudonym).toBe(personal.authorPseudonym);
    expect(one.hasReply).toBe(true);
    expect(one.details).toEqual({ verifiedPurchase: true });
    // Searching for the personal data finds nothing: the CX view searches the masked text.
    for (const probe of [SECRETS.email, "bozena.swiatek", "601 234 567"]) {
      expect((await api.get(`/mentions?q=${encodeURIComponent(probe)}`, "cx")).body.total, probe).toBe(0);
    }
    // Customer service sees what it needs to answer the person.
    const full = (await api.get(`/mentions/${personal.id}`, "service")).body as Item;
    expect(full.text).toContain(SECRETS.email);
    expect(full.author?.name).toBe(SECRETS.author);
    expect(full.answer?.url).toBe(personal.url);
  });

  it("filters by sentiment, topic, rating, source and date, with Polish inflection in search text", async () => {
    const negative = await everything("service", "&sentiment=negative");
    expect(negative.length).toBeGreaterThan(0);
    expect(negative.every((item) => item.sentiment?.label === "negative")).toBe(true);
    const delivery = await everything("service", "&topic=delivery&rating_max=2");
    expect(delivery.length).toBeGreaterThan(0);
    expect(delivery.every((item) => item.topics.includes("delivery") && item.rating!.value <= 2)).toBe(true);
    const from = new Date(now.getTime() - 7 * 86_400_000).toISOString();
    const recent = await everything("service", `&from=${from}&source=app-store-pl`);
    expect(recent.every((item) => item.publishedAt >= from && item.source.id === "app-store-pl")).toBe(true);
    // "dostawy" in the query finds "Dostawa" and "dostawa" in the text.
    const inflected = await everything("service", "&q=dostawy");
    expect(inflected.some((item) => /dostawa/i.test(item.text))).toBe(true);
    // Field syntax: `-sentiment:positive` excludes, `topic:price` narrows.
    const priced = await everything("service", `&q=${encodeURIComponent("topic:price -sentiment:positive")}`);
    expect(priced.length).toBeGreaterThan(0);
    expect(priced.every((item) => item.topics.includes("price") && item.sentiment?.label !== "positive")).toBe(true);
  });

  it("pages with cursors through the whole slice, each mention once, in order", async () => {
    const items = await everything("pr");
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    const dates = items.map((item) => item.publishedAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect((await api.get("/mentions?after=bm90LWEtY3Vyc29y", "pr")).status).toBe(400);
  });

  it("counts over time, top topics and share of voice add up to the slice", async () => {
    const timeline = await api.get("/stats/timeline?interval=day&split=sentiment&tz=Europe/Warsaw", "pr");
    expect(timeline.status).toBe(200);
    const inWindow = [...slice, personal, canary.german, canary.competitor].length; // 30 days back by default; the old one is outside
    const counted = timeline.body.buckets.reduce((sum: number, bucket: { count: number }) => sum + bucket.count, 0);
    expect(counted).toBe(inWindow);
    const split = timeline.body.buckets.reduce(
      (sum: number, bucket: { by: Record<string, number> }) => sum + Object.values(bucket.by).reduce((a, b) => a + b, 0),
      0,
    );
    expect(split).toBe(inWindow);

    const topics = await api.get("/stats/topics?size=20", "service");
    const delivery = topics.body.topics.find((topic: { topic: string }) => topic.topic === "delivery");
    const expected = [...slice, personal, canary.german].filter((mention) => mention.topics.includes("delivery")).length;
    expect(delivery.count).toBe(expected);
    expect(delivery.sentiment.negative + delivery.sentiment.positive + (delivery.sentiment.neutral ?? 0)).toBe(expected);

    const voice = await api.get("/stats/share-of-voice", "pr");
    expect(voice.body.brands.map((brand: { brand: string }) => brand.brand)).toEqual(["zuraw", "konkurent"]);
    const shares = voice.body.brands.map((brand: { share: number }) => brand.share);
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 2);
    expect((await api.get("/stats/timeline?interval=hour&from=2020-01-01", "pr")).status).toBe(400);
  });

  it("gives the same sample for the same seed, another for another seed, stratified in proportion", async () => {
    const first = await api.get("/sample?n=20&strata=sentiment&seed=kwartal-3", "cx");
    const again = await api.get("/sample?n=20&strata=sentiment&seed=kwartal-3", "cx");
    const other = await api.get("/sample?n=20&strata=sentiment&seed=kwartal-4", "cx");
    const ids = (response: { body: { items: { id: string }[] } }) => response.body.items.map((item) => item.id);
    expect(first.status).toBe(200);
    expect(ids(first)).toHaveLength(20);
    expect(new Set(ids(first)).size).toBe(20);
    expect(ids(again)).toEqual(ids(first));
    expect(ids(other)).not.toEqual(ids(first));
    // 62 mentions in the CX slice: 34 negative, 21 positive, 7 neutral; 20 shared out in
    // proportion (10.97, 6.77, 2.26) by largest remainder.
    const bySentiment = Object.fromEntries(first.body.strata.map((stratum: { key: { sentiment: string }; allocated: number }) => [stratum.key.sentiment, stratum.allocated]));
    expect(bySentiment).toEqual({ negative: 11, positive: 7, neutral: 2 });
    expect(first.body.items.every((item: { sentiment: { label: string }; stratum: { sentiment: string } }) => item.sentiment.label === item.stratum.sentiment)).toBe(true);
  });

  it("shows PR the alerts of its brands, open first, and no other brand's", async () => {
    const { status, body } = await api.get("/alerts", "pr");
    expect(status).toBe(200);
    expect(body.alerts.map((alert: { key: string }) => alert.key)).toEqual([
      "spike:konkurent:opineo-sklep:negative",
      "source-health:opineo-sklep",
      "spike:zuraw:opineo-sklep:negative",
    ]);
    expect((await api.get("/alerts?status=open", "pr")).body.alerts).toHaveLength(2);
    expect((await api.get("/alerts", "cx")).status).toBe(403);
  });

  it("refuses actions a team was not given: 403, with the fix", async () => {
    const response = await api.post(`/mentions/${slice[0]!.id}/actions`, "cx", { action: "claim", actor: "ola" });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain("actions: [workflow]");
    expect((await api.get("/sample?n=5", "service")).status).toBe(403);
    expect((await api.get("/queue", "pr")).status).toBe(403);
  });

  it("runs the service loop: queue by priority then age, claim, conflict, note, answer, SLA — all as events", async () => {
    const queue = await api.get("/queue?size=100", "service");
    expect(queue.status).toBe(200);
    const items = queue.body.items as Item[];
    // Nothing with a reply at the source, ordered by priority, then oldest first.
    expect(items.some((item) => item.id === personal.id)).toBe(false);
    for (let index = 1; index < items.length; index++) {
      const [a, b] = [items[index - 1]!, items[index]!];
      expect(a.priority!.score > b.priority!.score || (a.priority!.score === b.priority!.score && a.publishedAt <= b.publishedAt)).toBe(true);
    }
    const target = items[0]!;
    // Review sites are answered on the review's page; an app store needs its configuration.
    const onSite = items.find((item) => item.source.type === "opineo")!;
    expect(onSite.answer?.url).toBe(onSite.url);

    const claim = await api.post(`/mentions/${target.id}/actions`, "service", { action: "claim", actor: "ola@zuraw.pl" });
    expect(claim.status).toBe(202);
    await applyWorkflowEvents(1);
    const stolen = await api.post(`/mentions/${target.id}/actions`, "service", { action: "answer", actor: "jan@zuraw.pl" });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.message).toContain("claimed by ola@zuraw.pl");
    expect((await api.post(`/mentions/${target.id}/actions`, "service", { action: "note", actor: "ola@zuraw.pl", note: "Dzwoniłam, oddzwoni." })).status).toBe(202);
    expect((await api.post(`/mentions/${target.id}/actions`, "service", { action: "answer", actor: "ola@zuraw.pl" })).status).toBe(202);
    await applyWorkflowEvents(3);

    const after = (await api.get(`/mentions/${target.id}`, "service")).body as Item;
    expect(after.workflow).toMatchObject({ status: "answered", assignee: "ola@zuraw.pl", notes: 1 });
    expect(after.workflow?.history?.map((entry) => `${entry.type}:${entry.actor}`)).toEqual([
      "claimed:ola@zuraw.pl",
      "noted:ola@zuraw.pl",
      "answered:ola@zuraw.pl",
    ]);
    const queueAfter = await api.get("/queue?size=100", "service");
    expect(queueAfter.body.items.map((item: Item) => item.id)).not.toContain(target.id);
    expect(queueAfter.body.total).toBe(queue.body.total - 1);

    const sla = await api.get("/queue/sla", "service");
    expect(sla.status).toBe(200);
    const waiting = sla.body.sources.reduce((sum: number, source: { waiting: number }) => sum + source.waiting, 0);
    expect(waiting).toBe(queueAfter.body.total);
    for (const source of sla.body.sources) expect(source.oldestAgeHours).toBeGreaterThanOrEqual(0);
    // The CX view shows the status but not who handled it.
    const cx = (await api.get(`/mentions/${target.id}`, "cx")).body as Item;
    expect(cx.workflow).toEqual({ status: "answered", updatedAt: expect.any(String), answeredAt: expect.any(String), notes: 1 });
  });

  /** What the indexer's workflow worker does: read the events and fold them into the index. */
  async function applyWorkflowEvents(count: number) {
    const messages = await readTopic(api.pipeline.kafka, api.pipeline.topics.workflowEvents, { minMessages: count });
    const outcome = await api.store.applyWorkflow(messages.map((message) => workflowEventSchema.parse(message.value)));
    expect(outcome.rejected).toEqual([]);
    await api.store.refresh();
  }

  it("streams a CSV export that a spreadsheet cannot run as formulas", async () => {
    const response = await api.get("/export?format=csv&sentiment=negative", "service");
    expect(response.status).toBe(200);
    const lines = response.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,source,source_type,published_at,lang,rating,sentiment,sentiment_score,brands,topics,priority,status,author,url,title,text");
    const negatives = [...slice, personal, canary.german].filter((mention) => mention.sentiment?.label === "negative").length;
    expect(lines).toHaveLength(negatives + 1);
  });

  it("serves its OpenAPI document", async () => {
    const response = await fetch(`${api.base}/api/v1/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[] }>> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/mentions", "/mentions/{id}", "/queue", "/queue/sla", "/sample", "/export", "/stats/timeline", "/mentions/{id}/actions"]),
    );
    expect(document.paths["/mentions"]!.get!.parameters.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(["q", "brand", "sentiment", "topic", "rating_min", "after", "sort"]),
    );
  });

  it("serves the dashboard with a policy that lets only this origin's scripts run, and its assets", async () => {
    const response = await fetch(`${api.base}/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    const page = await response.text();
    // No inline script: every script is a file of this origin.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const scripts = [...page.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src, "a script of this origin").toMatch(/^\/assets\/[\w.-]+\.js$/);
      const asset = await fetch(`${api.base}${src}`, { headers: { "accept-encoding": "gzip" } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toContain("text/javascript");
      expect(asset.headers.get("cache-control")).toContain("immutable");
      // Review text reaches the page only as text.
      expect(await asset.text()).not.toMatch(/insertAdjacentHTML|document\.write\(/);
    }
    expect((await fetch(`${api.base}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${api.base}/assets/nothing-here.js`)).status).toBe(404);
  });

  it("serves Prometheus metrics without a key", async () => {
    const response = await fetch(`${api.base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(await response.text()).toMatch(/^odzew_process_cpu_user_seconds_total /m);
  });

  it("tells a team who it is: its view, actions, hidden fields, SLA, its brands by name and the topics' labels", async () => {
    const { status, body } = await api.get("/me", "pr");
    expect(status).toBe(200);
    const { team } = body as {
      team: { id: string; view: string; hide: string[]; brands: { id: string; name: string }[]; replies: { slaHours: number }; topics: { id: string; label: { pl: string; en: string } }[] };
    };
    // Topics as people read them, in both workspace languages.
    expect(team.topics).toContainEqual({ id: "returns-complaints", label: { pl: "Zwroty i reklamacje", en: "Returns and complaints" } });
    expect(team).toMatchObject({ id: "pr", view: "full", hide: [] });
    // Names from brands.yaml; a brand without one keeps its id.
    expect(team.brands).toEqual([
      { id: "zuraw", name: "Żuraw" },
      { id: "konkurent", name: "konkurent" },
    ]);
    expect(team.replies.slaHours).toBeGreaterThan(0);
  });

  it("answers 401 to a missing or unknown key", async () => {
    expect((await fetch(`${api.base}/api/v1/mentions`)).status).toBe(401);
    const wrong = await fetch(`${api.base}/api/v1/mentions`, { headers: { authorization: "Bearer 0123456789abcdef0123456789abcdef" } });
    expect(wrong.status).toBe(401);
  });
});
