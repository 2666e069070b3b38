/**
 * What the API's integration tests share: three shipped-style teams plus a rival team, a seeded
 * slice of realistic mentions (with canaries that belong to other slices only), and an API
 * process-in-test on a real port over the real engine.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { METRICS_CONTENT_TYPE, metricsText } from "@odzew/core";
import { publish } from "@odzew/kafka";
import { teamSchema, type Alert, type EnrichedMention, type RepliesFile, type TeamConfig } from "@odzew/schema";
import { TeamSearch, type MentionStore } from "@odzew/search";
import { createTestPipeline, createTestStore, sampleEnrichedMention, testLogger, type TestPipeline } from "@odzew/testing";
import { buildApi, type SourceStatus } from "./app.ts";
import { TeamKeys } from "./auth.ts";

export const TEAM_KEYS = {
  pr: randomBytes(24).toString("base64url"),
  service: randomBytes(24).toString("base64url"),
  cx: randomBytes(24).toString("base64url"),
  rival: randomBytes(24).toString("base64url"),
  /** A pseudonymous team with every action: what its view must hide on every route. */
  cxops: randomBytes(24).toString("base64url"),
  /** A full-view team limited to negative mentions. */
  negative: randomBytes(24).toString("base64url"),
  /** A full-view service desk whose replies need a second person's approval. */
  desk: randomBytes(24).toString("base64url"),
};

export const TEAMS: TeamConfig[] = [
  { id: "pr", name: "PR", slice: { brands: ["zuraw", "konkurent"] }, view: "full", actions: ["alerts", "export"] },
  { id: "service", name: "Obsługa", slice: { brands: ["zuraw"], window: "365d" }, view: "full", actions: ["workflow", "export", "reply"] },
  { id: "cx", name: "CX", slice: { brands: ["zuraw"], languages: ["pl", "en"] }, view: "pseudonymous", actions: ["sample", "export"] },
  { id: "rival", name: "Rival", slice: { brands: ["obca"] }, view: "full", actions: ["workflow", "sample", "export"] },
  { id: "cxops", name: "CX ops", slice: { brands: ["zuraw"], languages: ["pl"] }, view: "pseudonymous", actions: ["workflow", "sample", "export", "alerts"] },
  { id: "negative", name: "Kryzys", slice: { brands: ["zuraw"], sentiment: ["negative"] }, view: "full", actions: ["alerts"] },
  { id: "desk", name: "Obsługa z akceptacją", slice: { brands: ["zuraw"] }, view: "full", actions: ["workflow", "reply", "approve"], replies: { approval: true } },
].map((team) => teamSchema.parse({ ...team, keys: [{ env: `KEY_${team.id.toUpperCase()}` }] }));

const KEY_ENV = Object.fromEntries(Object.entries(TEAM_KEYS).map(([team, key]) => [`KEY_${team.toUpperCase()}`, key]));

/** Personal data that must never reach the pseudonymous (CX) view. */
export const SECRETS = {
  author: "Bożena Świątek",
  email: "bozena.swiatek@poczta.example.pl",
  phone: "601 234 567",
  url: "https://opinie.example.pl/",
};

const DAY = 86_400_000;
const TEXTS: { text: string; label: "negative" | "neutral" | "positive"; topics: string[]; rating: number }[] = [
  { text: "Paczka szła dwa tygodnie, kurier nie odbierał telefonu. Dostawa to porażka.", label: "negative", topics: ["delivery"], rating: 1 },
  { text: "Obsługa klienta nie odpisuje na maile od tygodnia, reklamacja wisi.", label: "negative", topics: ["customer-service", "returns"], rating: 1 },
  { text: "Ceny wyższe niż w innych sklepach, a jakość produktu przeciętna.", label: "negative", topics: ["price", "product-quality"], rating: 2 },
  { text: "Aplikacja się zawiesza przy płatności BLIK.", label: "negative", topics: ["app", "payments"], rating: 2 },
  { text: "Zamówienie przyszło na czas, wszystko w porządku.", label: "neutral", topics: ["delivery"], rating: 3 },
  { text: "Szybka dostawa i miła obsługa, polecam każdemu.", label: "positive", topics: ["delivery", "customer-service"], rating: 5 },
  { text: "Świetna jakość, produkt zgodny z opisem, cena w porządku.", label: "positive", topics: ["product-quality", "price"], rating: 5 },
  { text: "Zwrot przyjęty bez problemu, pieniądze wróciły w dwa dni.", label: "positive", topics: ["returns"], rating: 4 },
];

/** One mention of the seeded slice; `index` spreads sources, time, texts and priorities. */
export function seededMention(index: number, now: Date, overrides: Partial<EnrichedMention> = {}): EnrichedMention {
  const sample = TEXTS[index % TEXTS.length]!;
  const sourceId = ["opineo-sklep", "app-store-pl", "ceneo-sklep"][index % 3]!;
  const publishedAt = new Date(now.getTime() - (index % 30) * DAY - (index % 24) * 3_600_000).toISOString();
  const base = sampleEnrichedMention({ sourceId, nativeId: `n-${index}` });
  return {
    ...base,
    source: { id: sourceId, type: sourceId.startsWith("app-store") ? "app-store" : "opineo" },
    url: `${SECRETS.url}${index}`,
    author: { name: `Klient ${index}` },
    authorPseudonym: `a_${index.toString(16).padStart(16, "0")}`,
    title: `Opinia ${index}`,
    text: sample.text,
    rating: { value: sample.rating, original: sample.rating, scaleMin: 1, scaleMax: 5 },
    publishedAt,
    lang: "pl",
    sentiment: { label: sample.label, score: sample.label === "negative" ? -0.6 : sample.label === "positive" ? 0.7 : 0, model: "lexicon" },
    brands: [{ id: "zuraw", via: "source" }],
    brandHints: ["zuraw"],
    topics: sample.topics,
    personalData: [],
    priority: { score: sample.label === "negative" ? 40 + (index % 50) : 10, level: sample.label === "negative" ? "high" : "low", reasons: [] },
    ...overrides,
  };
}

/** A mention with personal data in its text, and its masked copy, as the enricher writes them. */
export function personalMention(now: Date): EnrichedMention {
  return seededMention(900_000, now, {
    source: { id: "opineo-sklep", type: "opineo" },
    author: { name: SECRETS.author, profileUrl: "https://opinie.example.pl/u/bozena" },
    title: "Reklamacja bez odpowiedzi",
    text: `Piszę trzeci raz w sprawie reklamacji, proszę o kontakt: ${SECRETS.email}, tel. ${SECRETS.phone}. Obsługa milczy.`,
    masked: {
      title: "Reklamacja bez odpowiedzi",
      text: "Piszę trzeci raz w sprawie reklamacji, proszę o kontakt: [e-mail], tel. [telefon]. Obsługa milczy.",
    },
    personalData: ["email", "phone"],
    reply: { text: `Pani Bożeno, przepraszamy, odezwiemy się na ${SECRETS.email}.`, author: "Zespół Żuraw" },
    details: { pros: [`kontakt ${SECRETS.phone}`], cons: ["długie czekanie"], verifiedPurchase: true },
  });
}

/** Mentions that belong to other slices only; the tests check they never show up. */
export function canaries(now: Date) {
  return {
    /** Another brand: only the rival team. */
    rival: seededMention(900_004, now, { brands: [{ id: "obca", via: "source" }], brandHints: ["obca"], text: "Kanarek obcej marki: dostawa porażka." }),
    /** Older than the service team's 365-day window. */
    old: seededMention(900_001, now, { publishedAt: new Date(now.getTime() - 500 * DAY).toISOString(), text: "Kanarek sprzed lat: dostawa porażka." }),
    /** German: outside the CX team's languages. */
    german: seededMention(900_002, now, { lang: "de", text: "Kanarienvogel: Lieferung katastrophal." }),
    /** A competitor: PR compares against it; service and CX never see it. */
    competitor: seededMention(900_003, now, {
      brands: [{ id: "konkurent", via: "text", matched: "Konkurent" }],
      brandHints: [],
      text: "Kanarek konkurenta: u Konkurenta dostawa szybsza.",
    }),
  };
}

const alert = (key: string, brand: string | undefined, status: "open" | "resolved", updatedAt: string): Alert => ({
  schemaVersion: 1,
  key,
  kind: key.startsWith("source-health") ? "source-health" : "spike",
  status,
  ...(brand ? { brand } : {}),
  source: "opineo-sklep",
  message: key,
  openedAt: "2026-11-27T10:00:00.000Z",
  updatedAt,
  mentions: [],
  delivered: true,
});

/** What the alerter recorded: alerts of three brands and one of a collector. */
export const ALERTS: Alert[] = [
  alert("spike:zuraw:opineo-sklep:negative", "zuraw", "resolved", "2026-11-27T12:00:00.000Z"),
  alert("spike:konkurent:opineo-sklep:negative", "konkurent", "open", "2026-11-27T11:00:00.000Z"),
  alert("spike:obca:opineo-sklep:negative", "obca", "open", "2026-11-27T13:00:00.000Z"),
  alert("source-health:opineo-sklep", undefined, "open", "2026-11-27T10:30:00.000Z"),
];

/** What an API fixture serves besides the mentions. */
export interface ApiFixtureOptions {
  alerts?: Alert[];
  sources?: SourceStatus[];
  heavyReadsPerTeam?: number;
  heavyReadWaitMs?: number;
  /** Reply templates and rules (replies.yaml). */
  replies?: RepliesFile;
}

export interface ApiFixture {
  pipeline: TestPipeline;
  store: MentionStore;
  app: FastifyInstance;
  base: string;
  // JSON of every route's shape; each test asserts the fields it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(path: string, team: keyof typeof TEAM_KEYS): Promise<{ status: number; body: any; text: string; ms: number }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  post(path: string, team: keyof typeof TEAM_KEYS, body: unknown): Promise<{ status: number; body: any }>;
  cleanup(): Promise<void>;
}

/** Topics, an index with the teams' aliases, the seeded mentions, and the API on a real port. */
export async function startApiFixture(name: string, mentions: EnrichedMention[], options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const pipeline = await createTestPipeline(name);
  const { store, engine, cleanup } = await createTestStore(pipeline.prefix, TEAMS);
  for (let start = 0; start < mentions.length; start += 2_000) {
    const outcome = await store.upsert(mentions.slice(start, start + 2_000));
    if (outcome.rejected.length + outcome.retryable.length > 0) throw new Error(`seeding failed: ${JSON.stringify(outcome.rejected[0] ?? outcome.retryable[0])}`);
  }
  await store.refresh();
  const keys = TeamKeys.resolve(TEAMS, KEY_ENV, "teams.yaml");
  const replies = options.replies;
  const app = await buildApi({
    search: new TeamSearch(engine, store.names),
    keys: () => keys,
    logger: testLogger("api"),
    publishWorkflow: (event) => publish(pipeline.producer, pipeline.topics.workflowEvents, [{ key: event.mentionId, value: event }]),
    publishReply: (command) => publish(pipeline.producer, pipeline.topics.replies, [{ key: command.mentionId, value: command }]),
    ...(replies ? { replies: () => replies } : {}),
    brandNames: () => new Map([["zuraw", "Żuraw"]]),
    replyMeasures: (team, range, now) => store.replyMeasures(team, range, now),
    alerts: () => options.alerts ?? ALERTS,
    ...(options.sources ? { sources: () => options.sources! } : {}),
    ...(options.heavyReadsPerTeam !== undefined ? { heavyReadsPerTeam: options.heavyReadsPerTeam } : {}),
    ...(options.heavyReadWaitMs !== undefined ? { heavyReadWaitMs: options.heavyReadWaitMs } : {}),
    metrics: async () => ({ contentType: METRICS_CONTENT_TYPE, body: await metricsText() }),
  });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    pipeline,
    store,
    app,
    base,
    async get(path, team) {
      const started = performance.now();
      const response = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${TEAM_KEYS[team]}` } });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body, text, ms: performance.now() - started };
    },
    async post(path, team, payload) {
      const response = await fetch(`${base}/api/v1${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEAM_KEYS[team]}`, "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      return { status: response.status, body: await response.json() };
    },
    async cleanup() {
      await app.close();
      await cleanup();
      await pipeline.cleanup();
    },
  };
}
