import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mentionId } from "@odzew/schema";
import { demoSiteSourceYaml, readTopic, startFixtureServer, waitFor } from "@odzew/testing";
import { createFaultWorld, quiet, type Progress, type ScenarioResult } from "./common.ts";

const PAGE_SIZE = 20;
const SOURCE_ID = "faults-gap";

interface Review {
  id: string;
  at: string;
  text: string;
}

const escape = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll('"', "&quot;");

/** A review site page in a real format: articles newest first, a link to the next page. */
function page(reviews: Review[], number: number): string {
  const items = reviews.slice((number - 1) * PAGE_SIZE, number * PAGE_SIZE);
  const next = number * PAGE_SIZE < reviews.length ? `<a class="nastepna" href="/opinie?strona=${number + 1}">Następna strona</a>` : "";
  return `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Opinie o sklepie</title></head><body>
<main>
${items
  .map(
    (review) => `<article class="opinia" data-opinia-id="${review.id}">
  <h3 class="tytul">Opinia ${escape(review.id)}</h3>
  <span class="autor">Klient ${escape(review.id)}</span>
  <time datetime="${review.at}">${review.at.slice(0, 10)}</time>
  <span class="gwiazdki" data-ocena="4">★★★★☆</span>
  <p class="tresc">${escape(review.text)}</p>
</article>`,
  )
  .join("\n")}
</main>
${next}
</body></html>`;
}

/**
 * More new reviews arrive between two polls than one poll reads (`maxPages`): the collector
 * must pick up every one of them over the following polls, none lost.
 */
export async function collectorGap(options: { newReviews: number; maxPages: number; oldReviews?: number; progress?: Progress }): Promise<ScenarioResult> {
  const progress = options.progress ?? quiet;
  const world = await createFaultWorld("faults-gap");
  const dir = await mkdtemp(join(tmpdir(), "odzew-faults-gap-"));
  const findings: string[] = [];
  const reviews: Review[] = [];
  const base = Date.UTC(2026, 10, 1);
  let serial = 0;
  const add = (count: number) => {
    const added: Review[] = [];
    for (let n = 0; n < count; n++) {
      serial++;
      added.push({ id: `g-${serial}`, at: new Date(base + serial * 60_000).toISOString(), text: `Opinia numer ${serial}: dostawa na czas, obsługa miła.` });
    }
    // Newest first.
    reviews.unshift(...added.reverse());
  };
  add(options.oldReviews ?? 10);
  const site = await startFixtureServer((request, response) => {
    const number = Number(new URL(request.path, "http://site").searchParams.get("strona") ?? "1");
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(reviews, number));
  });
  const firstPageRequests = () => site.requests.filter((request) => !request.path.includes("strona=")).length;
  try {
    const sourcesFile = join(dir, "sources.yaml");
    await writeFile(
      sourcesFile,
      demoSiteSourceYaml({
        id: SOURCE_ID,
        url: `${site.url}/opinie`,
        schedule: "*/2 * * * * *",
        limits: `{ maxPages: ${options.maxPages}, backfillPages: 1, maxItemsPerPoll: 1000 }`,
      }),
    );
    const env = { ODZEW_SOURCES_FILE: sourcesFile, COLLECTOR_MIN_INTERVAL_MS: "0" };
    const collector = await world.service("collector", env);
    const scheduler = await world.service("scheduler", env);
    const collected = async () => {
      const messages = await readTopic(world.pipeline.kafka, world.pipeline.topics.mentionsRaw, { quietMs: 1_000 });
      return new Set(messages.filter((message) => message.value !== null).map((message) => message.key ?? ""));
    };
    const initial = reviews.length;
    await waitFor(`the first poll's ${initial} reviews`, async () => (await collected()).size >= initial, { timeoutMs: 90_000, intervalMs: 1_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}; site requests: ${site.requests.length}; collector log: ${collector.process().stderr().slice(-600)}`);
    });
    progress(`first poll delivered ${initial} reviews; publishing ${options.newReviews} new ones at once`);

    add(options.newReviews);
    const pollsBefore = firstPageRequests();
    const expected = reviews.map((review) => mentionId(SOURCE_ID, review.id));
    // Enough polls for a collector that resumes where it stopped: one per maxPages × PAGE_SIZE, and a few more.
    const pollsAllowed = Math.ceil(options.newReviews / (options.maxPages * PAGE_SIZE)) + 4;
    let have = new Set<string>();
    await waitFor(
      "every new review collected, or the polls used up",
      async () => {
        have = await collected();
        return expected.every((id) => have.has(id)) || firstPageRequests() - pollsBefore >= pollsAllowed;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch((error: unknown) => findings.push(String(error)));
    have = await collected();
    const lost = expected.filter((id) => !have.has(id));
    const crashes = [...collector.crashes, ...scheduler.crashes];
    const nativeOf = new Map(reviews.map((review) => [mentionId(SOURCE_ID, review.id), review.id]));
    if (lost.length > 0) {
      const names = lost.map((id) => nativeOf.get(id) ?? id);
      findings.push(`${lost.length} of ${options.newReviews} new reviews never collected after ${firstPageRequests() - pollsBefore} polls (${names.slice(0, 3).join(", ")} … ${names.at(-1)})`);
    }
    if (crashes.length > 0) findings.push(`${crashes.length} service exits`);
    return {
      scenario: "more new reviews than one poll reads",
      load: `html source, ${options.newReviews} new reviews at once, ${PAGE_SIZE} a page, maxPages ${options.maxPages}`,
      figures: {
        "new reviews": options.newReviews,
        collected: options.newReviews - lost.length,
        lost: lost.length,
        "polls after the burst": firstPageRequests() - pollsBefore,
      },
      pass: findings.length === 0,
      findings,
    };
  } finally {
    await world.cleanup();
    await site.close();
    await rm(dir, { recursive: true, force: true });
  }
}
