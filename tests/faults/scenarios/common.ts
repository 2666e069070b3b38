import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publish } from "@odzew/kafka";
import type { Producer } from "@odzew/kafka";
import { deadLetterSchema, type DeadLetter, type RawMention, type TeamConfig } from "@odzew/schema";
import {
  createTestPipeline,
  createTestStore,
  freePort,
  readTopic,
  runService,
  sampleRawMention,
  stackEnv,
  superviseService,
  type SupervisedService,
  type TestPipeline,
  waitFor,
} from "@odzew/testing";

/** One row of the fault table: what was done, what was measured, whether the promise held. */
export interface ScenarioResult {
  scenario: string;
  load: string;
  /** The figures, each `name: value`, failing ones included. */
  figures: Record<string, string | number>;
  pass: boolean;
  /** What went wrong, in words (empty when it passed). */
  findings: string[];
}

/** Progress lines for a long run (the bench prints them on stderr; tests drop them). */
export type Progress = (line: string) => void;
export const quiet: Progress = () => undefined;

const TEXTS = [
  "Zamówienie dotarło następnego dnia, wszystko dobrze zapakowane. Polecam!",
  "Kurier zgubił paczkę, a infolinia odsyła mnie do przewoźnika. Porażka.",
  "Cena w porządku, jakość produktu przeciętna, dostawa szybka.",
  "Aplikacja się zawiesza przy płatności BLIK, reklamacja wisi od tygodnia.",
  "Great service, the parcel arrived a day early and the staff were helpful.",
  "Zwrot przyjęty bez problemu, pieniądze wróciły w dwa dni.",
  "Obsługa klienta nie odpisuje na maile, czekam trzeci tydzień.",
];

/** `count` distinct raw mentions of one fault run; `month` fixes their monthly index when given. */
export function loadMentions(count: number, options: { sourceId?: string; month?: string; offset?: number } = {}): RawMention[] {
  const offset = options.offset ?? 0;
  return Array.from({ length: count }, (_, position) => {
    const index = position + offset;
    const day = 1 + (index % 28);
    const publishedAt = options.month
      ? `${options.month}-${String(day).padStart(2, "0")}T${String(index % 24).padStart(2, "0")}:00:00.000Z`
      : new Date(Date.UTC(2026, index % 12, day, index % 24)).toISOString();
    return sampleRawMention({
      sourceId: options.sourceId ?? "faults",
      nativeId: `f-${index}`,
      author: { name: `Klient ${index % 500}` },
      title: `Opinia ${index}`,
      text: `${TEXTS[index % TEXTS.length]} (${index})`,
      publishedAt,
    });
  });
}

/** Publish mentions in chunks (each send waits for the broker's acknowledgement). */
export async function publishMentions(producer: Producer, topic: string, mentions: RawMention[], chunk = 500): Promise<void> {
  for (let start = 0; start < mentions.length; start += chunk) {
    await publish(
      producer,
      topic,
      mentions.slice(start, start + chunk).map((mention) => ({ key: mention.id, value: mention })),
    );
  }
}

/** Topics, an index (template and team aliases) and the environment of the services of one run. */
export interface FaultWorld {
  pipeline: TestPipeline;
  store: Awaited<ReturnType<typeof createTestStore>>["store"];
  engine: Awaited<ReturnType<typeof createTestStore>>["engine"];
  env: NodeJS.ProcessEnv;
  /** Start a service of this world as a real process (its exits are recorded). */
  service(name: string, extra?: NodeJS.ProcessEnv): Promise<SupervisedService>;
  /** Every dead letter on the run's dead-letter topic so far. */
  deadLetters(minMessages?: number): Promise<DeadLetter[]>;
  /** Stop the services, delete the topics and the indices. */
  cleanup(): Promise<void>;
}

export async function createFaultWorld(name: string, options: { teams?: TeamConfig[]; partitions?: number } = {}): Promise<FaultWorld> {
  const pipeline = await createTestPipeline(name, options.partitions ?? 3);
  const { store, engine, cleanup } = await createTestStore(pipeline.prefix, options.teams ?? []);
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: stackEnv().brokers.join(","),
    SEARCH_URL: stackEnv().search.url,
    ODZEW_TOPIC_PREFIX: pipeline.prefix,
    ODZEW_INDEX_PREFIX: pipeline.prefix,
    ENRICHER_GROUP_ID: `${pipeline.prefix}-enricher`,
    INDEXER_GROUP_ID: `${pipeline.prefix}-indexer`,
    COLLECTOR_GROUP_ID: `${pipeline.prefix}-collector`,
    ODZEW_BRANDS_FILE: "config/demo/brands.yaml",
    ODZEW_AUTHOR_KEY: "faults-author-key-0123456789",
  };
  const services: SupervisedService[] = [];
  return {
    pipeline,
    store,
    engine,
    env,
    async service(serviceName, extra = {}) {
      const service = await superviseService(serviceName, { ...env, ...extra });
      services.push(service);
      await service.ready();
      return service;
    },
    async deadLetters(minMessages = 0) {
      const messages = await readTopic(pipeline.kafka, pipeline.topics.mentionsDlq, { minMessages, quietMs: 1_500, timeoutMs: 60_000 });
      return messages.map((message) => deadLetterSchema.parse(message.value));
    },
    async cleanup() {
      await Promise.all(services.map((service) => service.stop().catch(() => undefined)));
      await cleanup();
      await pipeline.cleanup();
    },
  };
}

/** `n` with thousands separators. */
export const figure = (n: number) => n.toLocaleString("en");

/** Seconds with one decimal. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The API as a real process over a world's engine and topics, with one random key per team. */
export async function startApiProcess(world: FaultWorld, teams: TeamConfig[]) {
  const dir = await mkdtemp(join(tmpdir(), "odzew-faults-api-"));
  const keys = Object.fromEntries(teams.map((team) => [team.id, randomBytes(24).toString("base64url")]));
  const variable = (team: string) => `FAULTS_KEY_${team.toUpperCase().replaceAll("-", "_")}`;
  const teamsFile = join(dir, "teams.yaml");
  await writeFile(
    teamsFile,
    `teams:\n${teams
      .map(
        (team) =>
          `  - id: ${team.id}\n    name: ${team.name}\n    keys: [{ env: ${variable(team.id)} }]\n    slice: ${JSON.stringify(team.slice)}\n    view: ${team.view}\n    actions: ${JSON.stringify(team.actions)}`,
      )
      .join("\n")}\n`,
  );
  const port = await freePort();
  const api = runService("api", {
    ...world.env,
    API_PORT: String(port),
    ODZEW_TEAMS_FILE: teamsFile,
    ODZEW_SOURCES_FILE: join(dir, "no-sources.yaml"),
    ...Object.fromEntries(teams.map((team) => [variable(team.id), keys[team.id]])),
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      "the API to be ready",
      async () => {
        if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.stderr().slice(-2_000)}`);
        return (await fetch(`${base}/readyz`)).ok;
      },
      { timeoutMs: 90_000 },
    );
  } catch (error) {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    base,
    api,
    /** GET a route under /api/v1 as a team: status and body text. */
    async get(team: string, path: string) {
      const response = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${keys[team] ?? ""}` } });
      return { status: response.status, text: await response.text() };
    },
    async stop() {
      await api.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
