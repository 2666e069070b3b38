import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OdzewError, seededRandom } from "@odzew/core";
import { allegroSourceSchema, mentionId, rawMentionSchema, sourcesFileSchema } from "@odzew/schema";
import { startAllegroApi, testLogger, useFixtureServers, type AllegroRatingFixture } from "@odzew/testing";
import { pollSource } from "./registry.ts";
import { ALLEGRO_EDIT_WINDOW_MS, allegroAdapter } from "./allegro.source.ts";
import { forgetAllAllegroTokens } from "./allegro-oauth.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("allegro-source");
const serve = useFixtureServers();

const CLIENT_ID = "3f1c0a5e6b7d4e2f9a8b7c6d5e4f3a2b";
const CLIENT_SECRET = "allegro-client-secret-7Yx2Qv";
const REFRESH_TOKEN = "allegro-refresh-from-env-Kq83";
const SECRETS: Record<string, string> = { ALLEGRO_CLIENT_ID: CLIENT_ID, ALLEGRO_CLIENT_SECRET: CLIENT_SECRET, ALLEGRO_REFRESH_TOKEN: REFRESH_TOKEN };

const source = (baseUrl: string, tokenUrl: string, extra: Record<string, unknown> = {}) =>
  allegroSourceSchema.parse({
    id: "allegro-sklep",
    type: "allegro",
    schedule: "*/30 * * * *",
    brands: ["zuraw"],
    oauth: { clientIdEnv: "ALLEGRO_CLIENT_ID", clientSecretEnv: "ALLEGRO_CLIENT_SECRET", refreshTokenEnv: "ALLEGRO_REFRESH_TOKEN" },
    sellerLogin: "Sklep_Zuraw",
    baseUrl,
    tokenUrl,
    network: { allowPrivate: true },
    ...extra,
  });

/** Ratings 1…count, rating 1 the newest; every third without a comment, every fifth "nie polecam". */
function ratings(count: number): AllegroRatingFixture[] {
  const start = Date.parse("2026-11-25T10:00:00.000Z");
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const createdAt = new Date(start - n * 3_600_000).toISOString();
    return {
      id: `rating-${String(n).padStart(4, "0")}`,
      createdAt,
      lastChangedAt: createdAt,
      recommended: n % 5 !== 0,
      ...(n % 3 === 0 ? {} : { comment: `Komentarz kupującego nr ${n}` }),
      buyer: { id: `buyer-${n}`, login: `kupujacy_${n}` },
      order: { id: `order-${n}`, offers: [{ id: `offer-${n}`, title: `Żuraw ogrodowy ${n}` }] },
    };
  });
}

async function allegro(count: number, extra: Partial<Parameters<typeof startAllegroApi>[0]> = {}) {
  return startAllegroApi({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, ratings: ratings(count), serve, ...extra });
}

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});
async function tokenFile(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "odzew-allegro-"));
  directories.push(directory);
  return join(directory, "refresh-token");
}

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, { secret: (name) => SECRETS[name], ...overrides });

describe("allegro source", () => {
  it("reads every rating newest first, 100 a page, with the documented headers", async () => {
    const api = await allegro(250);
    const config = source(api.url, api.tokenUrl);
    const result = await pollSource(config, context({ mode: "backfill" }));

    expect(result.mentions).toHaveLength(250);
    expect(result.pages).toBe(3);
    expect(result.stoppedBy).toBe("last-page");
    expect(result.mentions.map((mention) => mention.nativeId).slice(0, 3)).toEqual(["rating-0001", "rating-0002", "rating-0003"]);
    const calls = api.apiCalls();
    expect(calls.map((call) => new URL(call.path, api.url).searchParams.get("offset"))).toEqual(["0", "100", "200"]);
    expect(calls.every((call) => new URL(call.path, api.url).searchParams.get("limit") === "100")).toBe(true);
    expect(calls.every((call) => call.accept === "application/vnd.allegro.public.v1+json")).toBe(true);
    // One token for the whole poll.
    expect(api.tokensIssued()).toBe(1);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);
  });

  it("maps a rating honestly: the recommendation as 5 or 1 on its own 0–1 scale, the buyer, the comment, the seller's answer", async () => {
    const api = await allegro(0, {
      ratings: [
        {
          id: "5df0a6d1ef437e00255572a1",
          createdAt: "2026-11-20T08:15:00.000Z",
          recommended: false,
          comment: "Paczka przyszła uszkodzona  i bez faktury <3\n",
          buyer: { id: "44196", login: "anna_k" },
          rates: { delivery: 1, description: 4, service: 2 },
          order: { id: "o-1", offers: [{ id: "1", title: "Żuraw ogrodowy" }, { id: "2", title: "Podstawka" }] },
          answer: { message: "Przepraszamy, wysłaliśmy nową sztukę.", createdAt: "2026-11-20T12:00:00.000Z" },
        },
        { id: "no-comment", createdAt: "2026-11-19T08:15:00.000Z", recommended: true, buyer: { id: "9", login: "jan" } },
      ],
    });
    const [complaint, praise] = (await pollSource(source(api.url, api.tokenUrl), context())).mentions;

    expect(complaint).toMatchObject({
      id: mentionId("allegro-sklep", "5df0a6d1ef437e00255572a1"),
      source: { id: "allegro-sklep", type: "allegro" },
      nativeId: "5df0a6d1ef437e00255572a1",
      url: "https://allegro.pl/uzytkownik/Sklep_Zuraw/oceny",
      author: { name: "anna_k" },
      text: "Paczka przyszła uszkodzona i bez faktury <3",
      rating: { value: 1, original: 0, scaleMin: 0, scaleMax: 1 },
      publishedAt: "2026-11-20T08:15:00.000Z",
      reply: { text: "Przepraszamy, wysłaliśmy nową sztukę.", author: "Sklep_Zuraw", publishedAt: "2026-11-20T12:00:00.000Z" },
      details: { verifiedPurchase: true, subject: "Żuraw ogrodowy (+1)" },
      brandHints: ["zuraw"],
    });
    // A rating without a comment is still a mention (a "stars only" review the reply rules can thank).
    expect(praise).toMatchObject({ nativeId: "no-comment", text: "", rating: { value: 5, original: 1 } });
    expect(praise?.reply).toBeUndefined();
  });

  it("stops at the first rating it has seen, on the first page", async () => {
    const api = await allegro(250);
    const seen = new Set(ratings(250).slice(29).map((rating) => rating.id));
    const result = await pollSource(source(api.url, api.tokenUrl), context({ mode: "incremental", seen }));

    expect(result.stoppedBy).toBe("seen");
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(ratings(29).map((rating) => rating.id));
    expect(api.apiCalls()).toHaveLength(1);
  });

  it("reads past a seen rating the buyer edited (Allegro sorts by last change), so new ratings below it are not lost", async () => {
    const all = ratings(10);
    const edited = all[7];
    if (!edited) throw new Error("fixture");
    // Rating 8 was seen before and has just been edited: it moves to the top, above ratings 1–3 that are new.
    edited.editedAt = "2026-11-25T11:00:00.000Z";
    edited.lastChangedAt = edited.editedAt;
    edited.comment = "Zmieniam zdanie: jednak polecam";
    const api = await allegro(0, { ratings: all });
    const seen = new Set(all.slice(3).map((rating) => rating.id));
    const result = await pollSource(source(api.url, api.tokenUrl), context({ mode: "incremental", seen }));

    expect(result.stoppedBy).toBe("seen");
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["rating-0008", "rating-0001", "rating-0002", "rating-0003"]);
    expect(result.mentions[0]?.text).toBe("Zmieniam zdanie: jednak polecam");
  });

  it("takes a seen rating edited long ago as the stop point again", async () => {
    const all = ratings(6);
    const old = all[1];
    if (!old) throw new Error("fixture");
    old.editedAt = new Date(Date.parse(old.createdAt) + 3_600_000).toISOString();
    old.lastChangedAt = old.editedAt;
    const api = await allegro(0, { ratings: all });
    const seen = new Set(all.slice(1).map((rating) => rating.id));
    const result = await pollSource(source(api.url, api.tokenUrl), context({ mode: "incremental", seen, now: new Date(Date.parse(old.editedAt) + ALLEGRO_EDIT_WINDOW_MS + 60_000) }));
    expect(result.stoppedBy).toBe("seen");
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["rating-0001"]);
  });

  it("property: whatever was edited since the last poll, every rating the last poll did not see is delivered", async () => {
    const now = Date.parse("2026-11-25T12:00:00.000Z");
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      const count = 20 + Math.floor(random() * 230);
      const lastPoll = now - Math.floor(random() * 48) * 3_600_000;
      const all: AllegroRatingFixture[] = Array.from({ length: count }, (_, index) => {
        const createdAt = new Date(now - Math.floor(random() * 60 * 24) * 3_600_000 - index).toISOString();
        return { id: `r-${seed}-${index}`, createdAt, lastChangedAt: createdAt, recommended: random() < 0.9, buyer: { id: `b${index}`, login: `k${index}` } };
      });
      const seenBefore = all.filter((rating) => Date.parse(rating.createdAt) <= lastPoll);
      // Some ratings the last poll saw were edited since (between it and now).
      for (const rating of seenBefore) {
        if (random() < 0.15) {
          rating.editedAt = new Date(lastPoll + Math.floor(random() * (now - lastPoll + 1))).toISOString();
          rating.lastChangedAt = rating.editedAt;
        }
      }
      const api = await allegro(0, { ratings: all });
      const seen = new Set(seenBefore.map((rating) => rating.id));
      const config = source(api.url, api.tokenUrl, { limits: { maxPages: 10, backfillPages: 20, maxItemsPerPoll: 10_000 } });
      const result = await pollSource(config, context({ mode: "incremental", seen }));
      const delivered = new Set(result.mentions.map((mention) => mention.nativeId));
      const unseen = all.filter((rating) => !seen.has(rating.id)).map((rating) => rating.id);
      const editedSince = new Set(seenBefore.filter((rating) => rating.editedAt).map((rating) => rating.id));
      expect(unseen.filter((id) => !delivered.has(id)), `seed ${seed}: new ratings lost`).toEqual([]);
      expect([...delivered].filter((id) => !unseen.includes(id) && !editedSince.has(id)), `seed ${seed}: unchanged ratings delivered again`).toEqual([]);
      // Each delivered once.
      expect(result.mentions).toHaveLength(delivered.size);
    }
  });

  it("refreshes an expired token once and keeps using the refresh token Allegro rotated to", async () => {
    const api = await allegro(5);
    const config = source(api.url, api.tokenUrl);
    await pollSource(config, context());
    const rotated = api.currentRefreshToken();
    expect(rotated).not.toBe(REFRESH_TOKEN);

    api.failNext("expired-token");
    const again = await pollSource(config, context());
    expect(again.mentions).toHaveLength(5);
    expect(api.tokensIssued()).toBe(2);
    // The second refresh sent the rotated token: Allegro refuses the one from the environment by now.
    const forms = api.requests.filter((entry) => entry.path === "/auth/oauth/token").map((entry) => new URLSearchParams(entry.body));
    expect(forms.map((form) => form.get("refresh_token"))).toEqual([REFRESH_TOKEN, rotated]);
    expect(forms.every((form) => form.get("grant_type") === "refresh_token")).toBe(true);
    expect(api.requests.find((entry) => entry.path === "/auth/oauth/token")?.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
    );
  });

  it("keeps the rotated refresh token in refreshTokenFile, so a restart (or the other process) goes on with it", async () => {
    const api = await allegro(3);
    const file = await tokenFile();
    const withFile = source(api.url, api.tokenUrl, { oauth: { ...source(api.url, api.tokenUrl).oauth, refreshTokenFile: file } });
    await pollSource(withFile, context());
    expect((await readFile(file, "utf8")).trim()).toBe(api.currentRefreshToken());
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // A restart: the token in the environment is used up, the file's is not.
    forgetAllAllegroTokens();
    expect((await pollSource(withFile, context())).mentions).toHaveLength(3);
    expect((await readFile(file, "utf8")).trim()).toBe(api.currentRefreshToken());

    // Without the file, a restarted process has only the used-up token from the environment.
    forgetAllAllegroTokens();
    await expect(pollSource(source(api.url, api.tokenUrl), context())).rejects.toThrow(/refused the refresh token in ALLEGRO_REFRESH_TOKEN/);
  });

  it("takes a freshly authorised token from the environment when the file's is refused, and keeps that one", async () => {
    const api = await allegro(2);
    const file = await tokenFile();
    const withFile = source(api.url, api.tokenUrl, { oauth: { ...source(api.url, api.tokenUrl).oauth, refreshTokenFile: file } });
    await pollSource(withFile, context());
    // The seller authorises again (e.g. after 3 months): the file's token is dead, the environment has the new one.
    const fresh = api.authorise("allegro-fresh-after-device-flow");
    forgetAllAllegroTokens();
    const result = await pollSource(withFile, context({ secret: (name) => (name === "ALLEGRO_REFRESH_TOKEN" ? fresh : SECRETS[name]) }));
    expect(result.mentions).toHaveLength(2);
    expect((await readFile(file, "utf8")).trim()).toBe(api.currentRefreshToken());
  });

  it("never shows the refused token Allegro repeats in its answer, even cut off", async () => {
    // A real refresh token is a long JWT, and Allegro's invalid_grant description repeats it.
    const jwt = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${"eyJ1c2VyX25hbWUiOiIxMDIyNDI0MzIiLCJzY29wZSI6WyJhbGxlZ3JvOmFwaTpvcmRlcnM6cmVhZCJd".repeat(12)}.c2lnbmF0dXJl`;
    const api = await startAllegroApi({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: "not-the-one-in-env", ratings: [], serve });
    const error = await pollSource(source(api.url, api.tokenUrl), context({ secret: (name) => (name === "ALLEGRO_REFRESH_TOKEN" ? jwt : SECRETS[name]) })).catch(
      (caught: unknown) => caught,
    );
    const message = (error as Error).message;
    expect(message).toMatch(/Allegro said: invalid_grant: Invalid refresh token: \[(secret|token)\]/);
    expect(message).not.toContain("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9");
    expect(JSON.stringify((error as OdzewError).context)).not.toContain("eyJ1c2VyX25hbWUi");
    expect((error as OdzewError).cause).toBeUndefined();
  });

  it("says what to do when Allegro refuses the refresh token, without showing any secret", async () => {
    const api = await allegro(5);
    api.failNext("invalid-grant");
    const error = await pollSource(source(api.url, api.tokenUrl), context()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OdzewError);
    const { message, retryable } = error as OdzewError;
    expect(retryable).toBe(false);
    expect(message).toMatch(/refused the refresh token in ALLEGRO_REFRESH_TOKEN/);
    expect(message).toMatch(/invalid_grant: Invalid refresh token/);
    expect(message).toMatch(/Authorise the application again .* put the new refresh token in ALLEGRO_REFRESH_TOKEN/);
    for (const value of Object.values(SECRETS)) expect(message).not.toContain(value);
  });

  it("names the missing variable, and the wrong client credentials", async () => {
    const api = await allegro(1);
    const config = source(api.url, api.tokenUrl);
    await expect(pollSource(config, context({ secret: (name) => (name === "ALLEGRO_REFRESH_TOKEN" ? undefined : SECRETS[name]) }))).rejects.toThrow(
      /ALLEGRO_REFRESH_TOKEN \(the seller's OAuth refresh token of the Allegro source allegro-sklep\) is not set/,
    );
    const wrong = await pollSource(config, context({ secret: (name) => (name === "ALLEGRO_CLIENT_SECRET" ? "wrong-secret-value" : SECRETS[name]) })).catch(
      (caught: unknown) => caught,
    );
    expect((wrong as Error).message).toMatch(/refused the application's credentials in ALLEGRO_CLIENT_ID \/ ALLEGRO_CLIENT_SECRET \(HTTP 401\).*invalid_client/);
    expect((wrong as Error).message).not.toContain("wrong-secret-value");
  });

  it("words a refusal of the ratings list with Allegro's own message", async () => {
    const api = await allegro(3);
    api.failNext("forbidden");
    const error = await pollSource(source(api.url, api.tokenUrl), context()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false });
    expect((error as Error).message).toMatch(/Allegro refused .*\/sale\/user-ratings.*\(HTTP 403\).*Allegro said: Brak uprawnień do tego zasobu \(ACCESS_DENIED\)/);
  });

  it("is a source type of sources.yaml, with Allegro's hosts by default", () => {
    const file = sourcesFileSchema.parse({
      sources: [
        {
          id: "allegro",
          type: "allegro",
          schedule: "0 * * * *",
          oauth: { clientIdEnv: "ALLEGRO_CLIENT_ID", clientSecretEnv: "ALLEGRO_CLIENT_SECRET", refreshTokenEnv: "ALLEGRO_REFRESH_TOKEN" },
        },
      ],
    });
    expect(file.sources[0]).toMatchObject({ type: "allegro", baseUrl: "https://api.allegro.pl", tokenUrl: "https://allegro.pl/auth/oauth/token" });
    const bad = allegroSourceSchema.safeParse({
      id: "allegro",
      type: "allegro",
      schedule: "0 * * * *",
      oauth: { clientIdEnv: "allegro-client", clientSecretEnv: "S", refreshTokenEnv: "R" },
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/the name of an environment variable/);
    expect(allegroAdapter.type).toBe("allegro");
  });
});
