import { performance } from "node:perf_hooks";
import { seededRandom } from "@odzew/core";
import { teamSchema, workflowEventSchema, type EnrichedMention, type TeamConfig } from "@odzew/schema";
import { sampleEnrichedMention } from "@odzew/testing";
import { createFaultWorld, figure, quiet, startApiProcess, type Progress, type ScenarioResult } from "./common.ts";

const TEAM_IDS = ["pr", "service", "cx", "rival"] as const;
type TeamId = (typeof TEAM_IDS)[number];

const TEAMS: TeamConfig[] = [
  { id: "pr", name: "PR", slice: { brands: ["zuraw", "konkurent"] }, view: "full", actions: ["alerts", "export"] },
  { id: "service", name: "Obsługa", slice: { brands: ["zuraw"], window: "365d" }, view: "full", actions: ["workflow", "export"] },
  { id: "cx", name: "CX", slice: { brands: ["zuraw"], languages: ["pl", "en"] }, view: "pseudonymous", actions: ["sample", "export", "alerts"] },
  { id: "rival", name: "Rival", slice: { brands: ["obca"] }, view: "full", actions: ["workflow", "sample", "export"] },
].map((team) => teamSchema.parse({ ...team, keys: [{ env: "FAULTS_UNUSED" }] }));

/** Personal data that must never reach the pseudonymous (CX) view. */
const SECRETS = {
  author: "Bożena Kanarkowa",
  email: "bozena.kanarkowa@poczta.example.pl",
  phone: "601 234 567",
  link: "https://opinie.kanarek.example.pl/",
};

const DAY = 86_400_000;
const TEXTS = [
  { text: "Paczka szła dwa tygodnie, kurier nie odbierał telefonu. Dostawa to porażka.", label: "negative", rating: 1 },
  { text: "Obsługa klienta nie odpisuje na maile od tygodnia, reklamacja wisi.", label: "negative", rating: 1 },
  { text: "Zamówienie przyszło na czas, wszystko w porządku.", label: "neutral", rating: 3 },
  { text: "Szybka dostawa i miła obsługa, polecam każdemu.", label: "positive", rating: 5 },
] as const;

function mention(index: number, now: Date, overrides: Partial<EnrichedMention> = {}): EnrichedMention {
  const sample = TEXTS[index % TEXTS.length]!;
  const sourceId = ["opineo-sklep", "app-store-pl", "ceneo-sklep"][index % 3]!;
  return {
    ...sampleEnrichedMention({ sourceId, nativeId: `h-${index}` }),
    source: { id: sourceId, type: sourceId.startsWith("app-store") ? "app-store" : "opineo" },
    url: `${SECRETS.link}${index}`,
    author: { name: `Klient ${index}` },
    authorPseudonym: `a_${index.toString(16).padStart(16, "0")}`,
    title: `Opinia ${index}`,
    text: sample.text,
    rating: { value: sample.rating, original: sample.rating, scaleMin: 1, scaleMax: 5 },
    publishedAt: new Date(now.getTime() - (index % 30) * DAY - (index % 24) * 3_600_000).toISOString(),
    lang: "pl",
    sentiment: { label: sample.label, score: sample.label === "negative" ? -0.6 : sample.label === "positive" ? 0.7 : 0, model: "lexicon" },
    brands: [{ id: "zuraw", via: "source" }],
    brandHints: ["zuraw"],
    topics: sample.label === "negative" ? ["delivery"] : ["customer-service"],
    personalData: [],
    priority: { score: sample.label === "negative" ? 60 : 10, level: sample.label === "negative" ? "high" : "low", reasons: [] },
    ...overrides,
  };
}

/** The seeded slice, a mention full of personal data, and canaries that belong to other slices only. */
function seed(count: number, now: Date) {
  const slice = Array.from({ length: count }, (_, index) => mention(index, now));
  const personal = mention(900_000, now, {
    author: { name: SECRETS.author, profileUrl: `${SECRETS.link}u/bozena` },
    title: "Reklamacja bez odpowiedzi",
    text: `Piszę trzeci raz w sprawie reklamacji, kontakt: ${SECRETS.email}, tel. ${SECRETS.phone}. Obsługa milczy.`,
    masked: { title: "Reklamacja bez odpowiedzi", text: "Piszę trzeci raz w sprawie reklamacji, kontakt: [e-mail], tel. [telefon]. Obsługa milczy." },
    personalData: ["email", "phone"],
    reply: { text: `Pani Bożeno, odezwiemy się na ${SECRETS.email}.`, author: "Zespół Żuraw" },
    details: { pros: [`kontakt ${SECRETS.phone}`], cons: ["długie czekanie"], verifiedPurchase: true },
  });
  const canaries = {
    rival: mention(900_004, now, { brands: [{ id: "obca", via: "source" }], brandHints: ["obca"], text: "Kanarek obcej marki: dostawa porażka." }),
    old: mention(900_001, now, { publishedAt: new Date(now.getTime() - 500 * DAY).toISOString(), text: "Kanarek sprzed lat: dostawa porażka." }),
    german: mention(900_002, now, { lang: "de", text: "Kanarienvogel: Lieferung katastrophal." }),
    competitor: mention(900_003, now, { brands: [{ id: "konkurent", via: "text", matched: "Konkurent" }], brandHints: [], text: "Kanarek konkurenta: u Konkurenta dostawa szybsza." }),
  };
  return { slice, personal, canaries };
}

const HOSTILE = [
  "*", "*a", "a*", "?", "/.*/", "/[a-z]+/", "dost~2", '"dostawa kurier"~10', '"unclosed', "((((((((((dostawa", ")))))", "\\", "\\\\\\",
  "brand:obca", "brand:*", "-brand:zuraw", "_id:*", "_index:*", "source.id:*", "brand:obca | brand:zuraw", '{"query":{"match_all":{}}}',
  '{"script":{"source":"Thread.sleep(10000)"}}', "<script>alert(1)</script>", "' OR 1=1 --", "%00", "\u0000\u0001\u0002", "𝕯𝖔𝖘𝖙𝖆𝖜𝖆 🚚🔥",
  "Zażółć gęślą jaźń", "a".repeat(499), "a ".repeat(300), "x".repeat(5_000), "__proto__", "constructor", "NaN", "-1", "0", "1e309",
  "9999999999999999999", "2026-13-45", "now-1d", "now/d", "../../etc/passwd", "Europe/Nowhere", "Europe/Warsaw", "obca", "konkurent",
  "zuraw", "delivery", "negative", "newest", "priority", "relevance", "day", "hour", "topic,sentiment", "topic,sentiment,brand", "csv",
  "ndjson", Array.from({ length: 300 }, () => "a").join("|"), Array.from({ length: 120 }, (_, n) => `w${n}`).join(" | "),
  "eyJzIjoibmV3ZXN0IiwidiI6WzEsIngiXX0", Buffer.from(JSON.stringify({ s: "newest", v: [{ script: 1 }, "x"] })).toString("base64url"),
  Buffer.from(JSON.stringify({ s: "newest", v: ["9999-99-99", "x"] })).toString("base64url"), Buffer.from(JSON.stringify({ s: "priority", v: ["x", [], null] })).toString("base64url"),
];
const NAMES = [
  "q", "brand", "source", "sentiment", "topic", "lang", "rating_min", "rating_max", "from", "to", "size", "after", "sort", "interval",
  "split", "tz", "n", "strata", "seed", "status", "assignee", "query", "script", "_source", "__proto__", "constructor[prototype]", "slice", "team", "format",
];
const VALID: Record<string, string[]> = {
  q: ["dostawa", "obsługa -kurier", '"dostawa to porażka"', "topic:delivery", "brand:obca", "brand:konkurent", "dostawa | cena", "-sentiment:positive reklamacja", "kanarek", "Kanarienvogel"],
  brand: ["zuraw", "obca", "konkurent", "zuraw,obca"],
  source: ["opineo-sklep", "app-store-pl"],
  sentiment: ["negative", "positive,neutral"],
  topic: ["delivery", "customer-service"],
  lang: ["pl", "de", "en"],
  rating_min: ["1", "4"],
  rating_max: ["2", "5"],
  from: ["2020-01-01", "2026-01-01"],
  size: ["1", "50", "100"],
  sort: ["newest", "oldest", "priority", "rating-asc", "relevance"],
  interval: ["day", "week", "month"],
  split: ["sentiment", "topic", "brand"],
  tz: ["Europe/Warsaw", "UTC"],
  n: ["5", "50"],
  strata: ["sentiment", "topic,sentiment"],
  seed: ["a", "kwartal-3"],
  status: ["open", "claimed", "unanswered"],
  assignee: ["agent@zuraw.pl", "x"],
  format: ["ndjson", "csv"],
};
const PATHS = ["/mentions", "/mentions", "/mentions", "/stats/timeline", "/stats/topics", "/stats/share-of-voice", "/queue", "/queue/sla", "/sample", "/alerts", "/sources", "/me", "/mentions/", "/export"];

/**
 * Hostile requests at the API (a real process over the real engine), per team, with canary
 * mentions that belong to other slices only: no response may carry another slice's mention,
 * the pseudonymous view may never carry personal data or who handled a mention, and no
 * request may end in a 5xx.
 */
export async function hostileApi(options: { requestsPerTeam: number; slice?: number; concurrency?: number; seed?: number; progress?: Progress }): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const now = new Date();
  const world = await createFaultWorld("faults-api", { teams: TEAMS });
  const findings: string[] = [];
  let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
  try {
    const { slice, personal, canaries } = seed(options.slice ?? 2_000, now);
    const all = [...slice, personal, ...Object.values(canaries)];
    for (let start = 0; start < all.length; start += 2_000) {
      const outcome = await world.store.upsert(all.slice(start, start + 2_000));
      if (outcome.rejected.length + outcome.retryable.length > 0) throw new Error(`seeding failed: ${JSON.stringify(outcome.rejected[0] ?? outcome.retryable[0])}`);
    }
    await world.store.refresh();
    // Someone on the service team handles the personal mention: the CX view must not say who.
    const assignee = "agentka.kanarek@zuraw.example.pl";
    const claim = workflowEventSchema.parse({
      schemaVersion: 1,
      eventId: "faults-claim-1",
      mentionId: personal.id,
      publishedAt: personal.publishedAt,
      team: "service",
      actor: assignee,
      type: "claimed",
      at: now.toISOString(),
    });
    const claimed = await world.store.applyWorkflow([claim]);
    if (claimed.indexed.length !== 1) throw new Error(`seeding the claim failed: ${JSON.stringify(claimed)}`);
    await world.store.refresh();

    const running = await startApiProcess(world, TEAMS);
    api = running;
    const apiProcess = running.api;

    const allowedBrands: Record<TeamId, string[]> = { pr: ["zuraw", "konkurent"], service: ["zuraw"], cx: ["zuraw"], rival: ["obca"] };
    const foreign: Record<TeamId, string[]> = {
      pr: [canaries.rival.id],
      service: [canaries.rival.id, canaries.old.id, canaries.competitor.id],
      cx: [canaries.rival.id, canaries.german.id, canaries.competitor.id],
      rival: [...slice.slice(0, 50).map((entry) => entry.id), personal.id, canaries.old.id, canaries.competitor.id],
    };
    const cxSecrets = [...Object.values(SECRETS), assignee, personal.reply?.text ?? ""];
    const random = seededRandom(options.seed ?? 20_261_129);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const statuses = new Map<number, number>();
    const crossTeam: string[] = [];
    const crossView: string[] = [];
    const serverErrors: string[] = [];
    let slowest = 0;
    const started = performance.now();

    const requests: { team: TeamId; url: string }[] = [];
    // Every run asks each team straight for the canaries and the personal data, then fuzzes.
    const probes = [
      ...[personal, ...Object.values(canaries)].map((entry) => `/mentions/${entry.id}`),
      "/mentions?q=kanarek&size=100",
      "/mentions?q=Kanarienvogel",
      `/mentions?q=${encodeURIComponent(SECRETS.email)}`,
      `/mentions?q=${encodeURIComponent('"Bożena Kanarkowa"')}`,
      "/mentions?size=100&sort=priority",
      "/mentions?brand=obca,konkurent&lang=de",
      "/export?format=ndjson&q=kanarek",
      "/export?format=csv&q=reklamacji",
      "/sample?n=50",
      "/queue?size=100",
      "/alerts",
    ];
    for (const team of TEAM_IDS) requests.push(...probes.map((url) => ({ team, url })));
    for (const team of TEAM_IDS) {
      for (let n = 0; n < options.requestsPerTeam; n++) {
        let path = pick(PATHS);
        const params = new URLSearchParams();
        const count = 1 + Math.floor(random() * 4);
        for (let index = 0; index < count; index++) {
          const name = random() < 0.8 ? pick(NAMES.slice(0, 20)) : pick(NAMES);
          params.append(name, random() < 0.7 && VALID[name] ? pick(VALID[name]) : pick(HOSTILE));
        }
        if (path === "/export") {
          // Exports stream the whole slice: keep them few (most become searches) and narrow.
          if (random() < 0.8) path = "/mentions";
          else params.set("q", pick(["kanarek", "Kanarienvogel", "reklamacja", "brand:obca", "dostawa"]));
        }
        const target = pick([...HOSTILE, canaries.rival.id, canaries.german.id, canaries.old.id, canaries.competitor.id, personal.id]);
        requests.push({ team, url: path === "/mentions/" ? `${path}${encodeURIComponent(target)}` : `${path}?${params}` });
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const { team, url } = requests[next++]!;
        const begin = performance.now();
        let status = 0;
        let text = "";
        try {
          ({ status, text } = await running.get(team, url));
        } catch (error) {
          text = String(error);
        }
        slowest = Math.max(slowest, performance.now() - begin);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 || status === 0) serverErrors.push(`${team} ${url.slice(0, 120)} → ${status} ${text.slice(0, 160)}`);
        for (const id of foreign[team]) if (text.includes(id)) crossTeam.push(`${team} ${url.slice(0, 120)} showed ${id}`);
        let items: { brands?: { id: string }[]; author?: unknown; url?: unknown; source?: { id?: unknown }; reply?: unknown; workflow?: { assignee?: unknown } }[] = [];
        try {
          const body = JSON.parse(text) as { items?: typeof items } | undefined;
          items = Array.isArray(body?.items) ? body.items : [];
        } catch {
          // NDJSON or CSV: the text checks above cover it.
        }
        for (const item of items) {
          if (item.brands && !item.brands.some((brand) => allowedBrands[team].includes(brand.id))) crossTeam.push(`${team} ${url.slice(0, 120)} showed brands ${JSON.stringify(item.brands)}`);
        }
        if (team === "cx") {
          for (const secret of cxSecrets) if (secret && text.includes(secret)) crossView.push(`cx ${url.slice(0, 120)} showed "${secret.slice(0, 40)}"`);
          for (const item of items) {
            const leaked = [
              item.author !== undefined && "author",
              item.url !== undefined && "url",
              item.source?.id !== undefined && "source.id",
              item.reply !== undefined && "reply",
              item.workflow?.assignee !== undefined && "workflow.assignee",
            ].filter(Boolean);
            if (leaked.length > 0) crossView.push(`cx ${url.slice(0, 120)} item with ${leaked.join(", ")}`);
          }
        }
      }
    };
    const progressTimer = setInterval(() => progress(`hostile requests: ${figure(next)}/${figure(requests.length)}`), 15_000);
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    clearInterval(progressTimer);
    const elapsed = (performance.now() - started) / 1000;
    const crashed = apiProcess.child.exitCode !== null || apiProcess.child.signalCode !== null;

    const unique = (list: string[]) => [...new Set(list)];
    if (serverErrors.length > 0) findings.push(`${serverErrors.length} 5xx/failed requests, e.g. ${unique(serverErrors).slice(0, 3).join(" | ")}`);
    if (crossTeam.length > 0) findings.push(`${crossTeam.length} cross-team results, e.g. ${unique(crossTeam).slice(0, 3).join(" | ")}`);
    if (crossView.length > 0) findings.push(`${crossView.length} cross-view results, e.g. ${unique(crossView).slice(0, 3).join(" | ")}`);
    if (crashed) findings.push("the API process exited");
    return {
      scenario: "hostile API requests",
      load: `${figure(options.requestsPerTeam)} per team × ${TEAM_IDS.length} teams (${figure(requests.length)} sent), ${figure(all.length)} mentions with canaries`,
      figures: {
        "5xx": serverErrors.length,
        "cross-team": crossTeam.length,
        "cross-view": crossView.length,
        statuses: [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(" "),
        slowest: `${slowest.toFixed(0)} ms`,
        rate: `${figure(Math.round(requests.length / elapsed))}/s`,
      },
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await api?.stop();
    await world.cleanup();
  }
}
