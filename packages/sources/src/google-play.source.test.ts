import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { googlePlaySourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { useFixtureServers, testLogger } from "@odzew/testing";
import { seededRandom } from "@odzew/core";
import { afterSuccess, emptyCursor } from "./cursor.ts";
import { googlePlayAdapter, parseReviewsAnswer } from "./google-play.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("google-play-source");
const serve = useFixtureServers();

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) => testPollContext(logger, overrides);
const fixture = (name: string) => readFileSync(new URL(`./fixtures/google-play/${name}`, import.meta.url), "utf8");

/** The body of the request a fixture handler is answering (the fixture server records only the head). */
function requestBody(response: ServerResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.req.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    response.req.on("error", reject);
  });
}

const APP_ID = "pl.zuraw.bank";
const source = (overrides: Record<string, unknown>) =>
  googlePlaySourceSchema.parse({
    id: "zuraw-android",
    type: "google-play",
    brands: ["zuraw"],
    schedule: "*/30 * * * *",
    appId: APP_ID,
    ...overrides,
  });

// ---------------------------------------------------------------------------------------------
// developer-api
// ---------------------------------------------------------------------------------------------

const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const CLIENT_EMAIL = "odzew-reader@zuraw-play.iam.gserviceaccount.com";
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A service account key file as the Cloud console downloads it; a new file per test keeps the token cache apart. */
function keyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "odzew-play-"));
  tempDirs.push(dir);
  const path = join(dir, "zuraw-play-1f2e3d4c5b6a.json");
  writeFileSync(
    path,
    JSON.stringify({
      type: "service_account",
      project_id: "zuraw-play",
      private_key_id: "1f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5",
      private_key: keys.privateKey,
      client_email: CLIENT_EMAIL,
      client_id: "109876543210987654321",
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: "https://oauth2.googleapis.com/token",
      auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
      client_x509_cert_url: "https://www.googleapis.com/robot/v1/metadata/x509/odzew-reader%40zuraw-play.iam.gserviceaccount.com",
      universe_domain: "googleapis.com",
    }),
  );
  return path;
}

interface ApiFixture {
  /** Reviews answer by page token ("" for the first page); default: the two fixture pages. */
  pages?: Record<string, { status?: number; body: string }>;
  /** Access tokens the token endpoint hands out, in order. */
  tokens?: string[];
  /** Tokens the API accepts; default: all handed out. */
  accepted?: string[];
}

/** The Google OAuth token endpoint and the Play Developer API on one local server. */
async function developerApi(fixtureOptions: ApiFixture = {}) {
  const tokens = fixtureOptions.tokens ?? ["ya29.c.b0AXv0zTPfixture-token-1"];
  const pages = fixtureOptions.pages ?? {
    "": { body: fixture("developer-api-page-1.json") },
    CkQKQgpAYmFkYjRlNzgtNTRhNi00ZGQzLTk3MWYtZjU0ZjZhNjdkYjA5OjE3NjQwMDAwMDAwMDA6cGxfUEw: { body: fixture("developer-api-page-2.json") },
  };
  const grants: URLSearchParams[] = [];
  const server = await serve(async (request, response) => {
    const url = new URL(request.path, "http://fixture");
    if (url.pathname === "/token") {
      grants.push(new URLSearchParams(await requestBody(response)));
      const token = tokens[Math.min(grants.length, tokens.length) - 1];
      return response
        .writeHead(200, { "content-type": "application/json; charset=utf-8" })
        .end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: "Bearer" }));
    }
    if (url.pathname !== `/androidpublisher/v3/applications/${APP_ID}/reviews`) return response.writeHead(404).end();
    const accepted = fixtureOptions.accepted ?? tokens;
    if (!accepted.some((token) => request.headers.authorization === `Bearer ${token}`)) {
      return response.writeHead(401, { "content-type": "application/json; charset=UTF-8" }).end(
        JSON.stringify({
          error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" },
        }),
      );
    }
    const page = pages[url.searchParams.get("token") ?? ""];
    if (!page) return response.writeHead(400).end();
    response.writeHead(page.status ?? 200, { "content-type": "application/json; charset=UTF-8" }).end(page.body);
  });
  return { server, grants, tokenUrl: `${server.url}/token` };
}

const apiSource = (baseUrl: string, tokenUrl: string, overrides: Record<string, unknown> = {}) =>
  source({ mode: "developer-api", baseUrl, tokenUrl, serviceAccountKeyFile: keyFile(), ...overrides });

function decodeJwt(jwt: string) {
  const [header, claims, signature] = jwt.split(".");
  const json = (part: string | undefined) => JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  return {
    header: json(header),
    claims: json(claims),
    validSignature: verify("RSA-SHA256", Buffer.from(`${header}.${claims}`), keys.publicKey, Buffer.from(signature ?? "", "base64url")),
  };
}

describe("google play source, developer-api mode", () => {
  it("exchanges a JWT signed with the service account's key for a token, then reads every page with it", async () => {
    const { server, grants, tokenUrl } = await developerApi();
    const config = apiSource(server.url, tokenUrl);
    const result = await googlePlayAdapter.poll(config, context());

    // The token exchange: a JWT-bearer grant with an RS256 JWT that the service account's key signed.
    expect(grants).toHaveLength(1);
    expect(grants[0]?.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    const jwt = decodeJwt(grants[0]?.get("assertion") ?? "");
    expect(jwt.validSignature).toBe(true);
    expect(jwt.header).toEqual({ alg: "RS256", typ: "JWT", kid: "1f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5" });
    expect(jwt.claims).toMatchObject({ iss: CLIENT_EMAIL, scope: "https://www.googleapis.com/auth/androidpublisher", aud: tokenUrl });
    expect(Number(jwt.claims.exp) - Number(jwt.claims.iat)).toBe(3600);
    expect(Math.abs(Number(jwt.claims.iat) - Date.now() / 1000)).toBeLessThan(60);

    // The list calls: the bearer token, 100 a page, the page token of the first answer on the second call.
    const calls = server.requests.filter((request) => request.path.includes("/reviews"));
    expect(calls.map((request) => request.path)).toEqual([
      `/androidpublisher/v3/applications/${APP_ID}/reviews?maxResults=100`,
      `/androidpublisher/v3/applications/${APP_ID}/reviews?maxResults=100&token=CkQKQgpAYmFkYjRlNzgtNTRhNi00ZGQzLTk3MWYtZjU0ZjZhNjdkYjA5OjE3NjQwMDAwMDAwMDA6cGxfUEw`,
    ]);
    expect(calls.every((request) => request.headers.authorization === "Bearer ya29.c.b0AXv0zTPfixture-token-1")).toBe(true);
    expect(result).toMatchObject({ requests: 3, pages: 2, problems: [], stoppedBy: "last-page" });

    for (const mention of result.mentions) expect(() => rawMentionSchema.parse(mention)).not.toThrow();
    const [withReply, praise, titled] = result.mentions;
    const firstId = "gp:AOqpTOE7cXz3kq9vR2mYbWn0T5aHsLdF1gUjKiPoQwErTyUiOpAsDfGhJkLzXcVbNm";
    expect(withReply).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-android", firstId),
      source: { id: "zuraw-android", type: "google-play" },
      nativeId: firstId,
      url: `https://play.google.com/store/apps/details?id=${APP_ID}&reviewId=${encodeURIComponent(firstId)}`,
      author: { name: "Tomasz Żółtowski" },
      // The API starts a review without a title with a tab.
      text: "Aplikacja wylogowuje mnie co 5 minut, nawet gdy z niej korzystam. Bardzo irytujące przy płaceniu rachunków.",
      rating: { value: 2, original: 2, scaleMin: 1, scaleMax: 5 },
      lang: "pl",
      publishedAt: "2026-11-24T21:03:11.713Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { helpful: 6, votes: 7 },
      reply: {
        text: "Dzień dobry, dziękujemy za sygnał. Czas sesji wydłużymy w najbliższej aktualizacji. Pozdrawiamy, zespół Żuraw Bank",
        publishedAt: "2026-11-25T08:30:00.000Z",
      },
      details: { appVersion: "5.14.0" },
      brandHints: ["zuraw"],
    });
    expect(praise).toMatchObject({ author: { name: "Anna Nowak-Świątek" }, lang: "pl", reach: { helpful: 0, votes: 0 } });
    expect(praise?.reply).toBeUndefined();
    expect(titled).toMatchObject({
      title: "Google Pay",
      text: "Brak obsługi Google Pay dla kart wielowalutowych, a w opisie aplikacji jest napisane, że działa.",
      details: { appVersion: "5.13.2" },
    });

    // The next poll reuses the cached token: no second exchange.
    const again = await googlePlayAdapter.poll(config, context());
    expect(grants).toHaveLength(1);
    expect(again.requests).toBe(2);
  });

  it("finds the key file through the environment variable the config names", async () => {
    const { server, tokenUrl } = await developerApi();
    const path = keyFile();
    const config = apiSource(server.url, tokenUrl, { serviceAccountKeyFile: "PLAY_SERVICE_ACCOUNT_KEY" });
    const secret = (name: string) => (name === "PLAY_SERVICE_ACCOUNT_KEY" ? path : undefined);
    const result = await googlePlayAdapter.poll(config, context({ secret }));
    expect(result.mentions).toHaveLength(3);

    await expect(googlePlayAdapter.poll(config, context({ secret: () => undefined }))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("PLAY_SERVICE_ACCOUNT_KEY, which is not set"),
    });
  });

  it("says clearly when the key file is missing or not a service account key, before any request", async () => {
    const { server, tokenUrl } = await developerApi();
    await expect(
      googlePlayAdapter.poll(apiSource(server.url, tokenUrl, { serviceAccountKeyFile: "/nonexistent/play-key.json" }), context()),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("cannot read the service account key file") });

    const notAKey = join(mkdtempSync(join(tmpdir(), "odzew-play-")), "key.json");
    tempDirs.push(join(notAKey, ".."));
    writeFileSync(notAKey, JSON.stringify({ installed: { client_id: "x.apps.googleusercontent.com" } }));
    await expect(googlePlayAdapter.poll(apiSource(server.url, tokenUrl, { serviceAccountKeyFile: notAKey }), context())).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("no client_email or private_key"),
    });

    // No key at all is refused when the sources file is read, before any collector starts.
    expect(() => apiSource(server.url, tokenUrl, { serviceAccountKeyFile: undefined })).toThrow(/mode developer-api needs the service account's JSON key/);
    expect(server.requests).toHaveLength(0);
  });

  it("gets a new token once when the API refuses the cached one", async () => {
    const { server, grants, tokenUrl } = await developerApi({ tokens: ["ya29.revoked", "ya29.fresh"], accepted: ["ya29.fresh"] });
    const result = await googlePlayAdapter.poll(apiSource(server.url, tokenUrl), context());
    expect(grants).toHaveLength(2);
    expect(result.mentions).toHaveLength(3);
  });

  it("fails a 403 with Google's reason and what to check", async () => {
    const denied = JSON.stringify({
      error: {
        code: 403,
        message: "The current user has insufficient permissions to perform the requested operation.",
        errors: [{ message: "The current user has insufficient permissions to perform the requested operation.", domain: "androidpublisher", reason: "permissionDenied" }],
        status: "PERMISSION_DENIED",
      },
    });
    const { server, tokenUrl } = await developerApi({ pages: { "": { status: 403, body: denied } } });
    await expect(googlePlayAdapter.poll(apiSource(server.url, tokenUrl), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringMatching(/HTTP 403: The current user has insufficient permissions.*Play Console/),
    });
    expect(server.requests.filter((request) => request.path.includes("/reviews"))).toHaveLength(1);
  });

  it("takes an empty answer as a quiet week, reports unreadable reviews, and rejects a changed format", async () => {
    let api = await developerApi({ pages: { "": { body: "{}\n" } } });
    const quiet = await googlePlayAdapter.poll(apiSource(api.server.url, api.tokenUrl), context());
    expect(quiet).toMatchObject({ mentions: [], problems: [], parsed: 0, stoppedBy: "last-page" });

    const page = JSON.parse(fixture("developer-api-page-1.json")) as { reviews: Record<string, unknown>[] };
    const [good, other] = page.reviews;
    const broken = { reviews: [good, { ...other, comments: [{ developerComment: { text: "Dziękujemy!" } }] }, { authorName: "Bez id" }] };
    api = await developerApi({ pages: { "": { body: JSON.stringify(broken) } } });
    const partial = await googlePlayAdapter.poll(apiSource(api.server.url, api.tokenUrl), context());
    expect(partial.mentions).toHaveLength(1);
    expect(partial.parsed).toBe(3);
    expect(partial.problems.map((problem) => problem.reason)).toEqual([
      "review 3d1f8e6a-2b4c-4d9e-a7f1-6c5b4a3d2e1f has no userComment",
      "review #3 has no reviewId",
    ]);

    api = await developerApi({ pages: { "": { body: JSON.stringify({ reviews: { items: [] } }) } } });
    await expect(googlePlayAdapter.poll(apiSource(api.server.url, api.tokenUrl), context())).rejects.toMatchObject({
      code: "SOURCE_PARSE",
      message: expect.stringContaining('no "reviews" list'),
    });
  });
});

// ---------------------------------------------------------------------------------------------
// public
// ---------------------------------------------------------------------------------------------

/** The next-page token in the UsvDTd fixtures. */
const PAGE_TOKEN =
  "Cp4BCpsBAXrfBqEW1yLxY2hU7mZb9ZkVxjT0dQm4bHc8PzRkNQ3vXy7sKf0wLpQ2aN5eRt8uYi1oMzxCvB6nHjGk4lS9dFa3qWeRtYuIoP";
/** The next-page token in the oCPfdb fixtures. */
const OCPFDB_TOKEN =
  "CpEBCo4BAXlPt6BfZl0yWm5SbXZxT2N0YkVwUnJ4aUxNd1NnQ3RrVGpYVmF1Y2RoZ0lQeWpzQnNmTm9oa0VzZnBKR2ZhVnVsaEJ2YUl0bUtPcWJ4cUZzWEdyUjNnZEt0VnQ";
/** The star and device filters of an oCPfdb call, both unset. */
const NO_FILTER = [null, null, null, null, null, null, null, null, null];

/** What the Play web app asks for: the rpc id, its arguments and the page token, from the form body. */
function decodeFreq(body: string): { rpc: string; args: unknown; token: string } {
  const freq = new URLSearchParams(body).get("f.req") ?? "null";
  const [[[rpc, args]]] = JSON.parse(freq) as [[[string, string]]];
  const parsed: unknown = JSON.parse(args);
  // oCPfdb: [null, [2, sort, [count, null, token]], …]; UsvDTd: [null, null, [2, sort, [count, null, token]], …].
  const paging = rpc === "oCPfdb" ? (parsed as [null, [number, number, unknown[]]])[1][2] : (parsed as [null, null, [number, number, unknown[]]])[2][2];
  return { rpc, args: parsed, token: typeof paging[2] === "string" ? paging[2] : "" };
}

type Answer = string | { status: number; body: string };
/** Answers by rpc id, then by page token ("" for the first page). */
type PlayAnswers = Partial<Record<"oCPfdb" | "UsvDTd", Record<string, Answer>>>;

const OCPFDB_PAGES = { "": fixture("batchexecute-ocpfdb-page-1.txt"), [OCPFDB_TOKEN]: fixture("batchexecute-ocpfdb-page-2.txt") };
const USVDTD_PAGES = { "": fixture("batchexecute-page-1.txt"), [PAGE_TOKEN]: fixture("batchexecute-page-2.txt") };

/** Google Play's batchexecute endpoint: answers by the rpc id and page token in the request. */
async function playWeb(answers: PlayAnswers = { oCPfdb: OCPFDB_PAGES, UsvDTd: USVDTD_PAGES }) {
  const calls: { rpc: string; token: string; args: unknown }[] = [];
  const server = await serve(async (request, response) => {
    if (request.method !== "POST" || !request.path.startsWith("/_/PlayStoreUi/data/batchexecute?")) return response.writeHead(404).end();
    const body = await requestBody(response);
    const { rpc, args, token } = decodeFreq(body);
    calls.push({ rpc, token, args });
    // The rpc id in the query names the call in the body.
    if (new URL(request.path, "http://fixture").searchParams.get("rpcids") !== rpc) return response.writeHead(400).end();
    const answer = (answers as Record<string, Record<string, Answer> | undefined>)[rpc]?.[token];
    if (answer === undefined) return response.writeHead(400).end(UNKNOWN_RPC);
    const { status, body: text } = typeof answer === "string" ? { status: 200, body: answer } : answer;
    response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(text);
  });
  return { server, calls };
}

/** Google's answer to a call it cannot serve: HTTP 400 with an error row. */
const UNKNOWN_RPC = `)]}'\n\n[["er",null,null,null,null,400,null,null,null,3],["di",12],["af.httprm",11,"-6512364802943016611",7]]`;

const publicSource = (baseUrl: string, overrides: Record<string, unknown> = {}) => source({ mode: "public", baseUrl, ...overrides });

/** A batchexecute answer around a payload, in the real envelope. */
const envelope = (payload: string | null, status: unknown = null, rpc = "oCPfdb") =>
  `)]}'\n\n${JSON.stringify([["wrb.fr", rpc, payload, null, null, status, "generic"], ["di", 41], ["af.httprm", 40, "-2810432619712360735", 12]])}`;

describe("google play source, public mode", () => {
  it("reads the newest reviews page after page with oCPfdb and its continuation token", async () => {
    const { server, calls } = await playWeb();
    const result = await googlePlayAdapter.poll(publicSource(server.url), context());

    expect(server.requests).toHaveLength(2);
    const url = new URL(server.requests[0]?.path ?? "", "http://fixture");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ rpcids: "oCPfdb", hl: "pl", gl: "pl" });
    expect(server.requests[0]?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    // Newest first (sort 2), 100 a page, no filters; the answer's token on the next call.
    expect(calls.map((call) => [call.rpc, call.args])).toEqual([
      ["oCPfdb", [null, [2, 2, [100], null, NO_FILTER], [APP_ID, 7]]],
      ["oCPfdb", [null, [2, 2, [100, null, OCPFDB_TOKEN], null, NO_FILTER], [APP_ID, 7]]],
    ]);

    expect(result).toMatchObject({ requests: 2, pages: 2, parsed: 4, problems: [], stoppedBy: "last-page" });
    for (const mention of result.mentions) expect(() => rawMentionSchema.parse(mention)).not.toThrow();
    expect(result.mentions.map((mention) => mention.author?.name)).toEqual([
      "Magdalena Wróblewska",
      "Piotr Szczęsny",
      "Zofia Kołodziej",
      "Grzegorz Łukaszewicz",
    ]);
    const [first, noReply, noVersion, last] = result.mentions;
    expect(first).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-android", "3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9"),
      source: { id: "zuraw-android", type: "google-play" },
      nativeId: "3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9",
      url: `https://play.google.com/store/apps/details?id=${APP_ID}&reviewId=3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9`,
      author: { name: "Magdalena Wróblewska" },
      text: "Od wczoraj BLIK nie działa – kod generuje się, ale płatność zawsze kończy się błędem „Spróbuj ponownie później”. Xiaomi Redmi Note 12, Android 14.",
      rating: { value: 1, original: 1, scaleMin: 1, scaleMax: 5 },
      lang: "pl",
      publishedAt: "2026-11-25T09:41:27.318Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      reach: { helpful: 27 },
      reply: {
        text: "Dzień dobry, problem z BLIK-iem usunęliśmy o 11:20 – prosimy spróbować ponownie. Więcej: https://zuraw.pl/status?usluga=blik&kanal=play",
        publishedAt: "2026-11-25T11:05:12.000Z",
      },
      details: { country: "pl", appVersion: "5.15.0" },
      brandHints: ["zuraw"],
    });
    expect(noReply).toMatchObject({ rating: { value: 4 }, reach: { helpful: 3 }, details: { appVersion: "5.15.0" } });
    expect(noReply?.reply).toBeUndefined();
    expect(noVersion?.details).toEqual({ country: "pl" });
    expect(last).toMatchObject({
      publishedAt: "2026-11-23T21:30:09.000Z",
      reply: { text: "Dziękujemy, sprawdzamy to z zespołem aplikacji. Zespół Żuraw Bank", publishedAt: "2026-11-24T08:00:00.000Z" },
      details: { appVersion: "5.14.1" },
    });
  });

  it("falls back to UsvDTd once when oCPfdb answers with an error row, and says so in the problems", async () => {
    const refusals: [string, Answer][] = [
      ["HTTP 400", { status: 400, body: UNKNOWN_RPC }],
      ["an error row in a 200", UNKNOWN_RPC],
    ];
    for (const [, refusal] of refusals) {
      const { server, calls } = await playWeb({ oCPfdb: { "": refusal, [PAGE_TOKEN]: refusal }, UsvDTd: USVDTD_PAGES });
      const result = await googlePlayAdapter.poll(publicSource(server.url), context());

      // oCPfdb once, then UsvDTd for this page and the next: one extra request.
      expect(calls.map((call) => [call.rpc, call.token])).toEqual([
        ["oCPfdb", ""],
        ["UsvDTd", ""],
        ["UsvDTd", PAGE_TOKEN],
      ]);
      expect(calls[1]?.args).toEqual([null, null, [2, 2, [100, null, null], null, []], [APP_ID, 7]]);
      expect(calls[2]?.args).toEqual([null, null, [2, 2, [100, null, PAGE_TOKEN], null, []], [APP_ID, 7]]);
      expect(result).toMatchObject({ requests: 3, pages: 2, stoppedBy: "last-page" });
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]?.reason).toMatch(/^the oCPfdb review call gave no review list \(Google Play refused \((HTTP 400|error row \[400,3\])\)\); read the reviews with the older UsvDTd call instead \(one extra request a poll\)/);
      // The source's health counts the extra request and raises no layout alert: the reviews were read.
      const now = new Date("2026-11-25T12:00:00.000Z");
      const health = afterSuccess(emptyCursor("zuraw-android", now), result, { startedAt: now, now, mode: "backfill", limits: publicSource(server.url).limits }).health;
      expect(health).toMatchObject({ requests: 3, lastNew: 4 });
      expect(health.alert).toBeUndefined();

      // The reviews of the older call, read as before.
      expect(result.mentions.map((mention) => mention.author?.name)).toEqual(["Krzysztof Wójcik", "Ola Żmuda", "Jan Kowalski", "Bożena Łęcka"]);
      const [first, , noVersion, last] = result.mentions;
      expect(first).toEqual({
        schemaVersion: 1,
        id: mentionId("zuraw-android", "6f1c2d3e-8a9b-4c5d-9e0f-1a2b3c4d5e6f"),
        source: { id: "zuraw-android", type: "google-play" },
        nativeId: "6f1c2d3e-8a9b-4c5d-9e0f-1a2b3c4d5e6f",
        url: `https://play.google.com/store/apps/details?id=${APP_ID}&reviewId=6f1c2d3e-8a9b-4c5d-9e0f-1a2b3c4d5e6f`,
        author: { name: "Krzysztof Wójcik" },
        text: "Po ostatniej aktualizacji nie mogę się zalogować – aplikacja zamyka się od razu po wpisaniu PIN-u. Samsung Galaxy A54, Android 14.",
        rating: { value: 1, original: 1, scaleMin: 1, scaleMax: 5 },
        lang: "pl",
        publishedAt: "2026-11-25T08:14:03.512Z",
        collectedAt: "2026-11-25T12:00:00.000Z",
        reach: { helpful: 12 },
        reply: {
          // Google escapes = and & in the payload as \u003d and \u0026.
          text: "Dzień dobry, bardzo przepraszamy za utrudnienia. Poprawka jest już w wersji 5.14.1 – prosimy o aktualizację. Szczegóły: https://zuraw.pl/pomoc?temat=logowanie&kanal=play",
          publishedAt: "2026-11-25T10:02:41.000Z",
        },
        details: { country: "pl", appVersion: "5.14.0" },
        brandHints: ["zuraw"],
      });
      expect(noVersion?.details).toEqual({ country: "pl" });
      expect(noVersion?.reply).toBeUndefined();
      expect(last?.reply?.text).toBe("Dziękujemy za zgłoszenie, przekazaliśmy je zespołowi. Zespół Żuraw Bank");
    }
  });

  it("takes a review list under an rpc id it does not know, without falling back", async () => {
    const renamed = fixture("batchexecute-ocpfdb-page-2.txt").replace('"wrb.fr","oCPfdb"', '"wrb.fr","xR7kQb"');
    // Next to it, a chunk with a row of another call whose payload is no review list.
    const other = JSON.stringify([["wrb.fr", "Ws7gDc", "[null,[1,2,3]]", null, null, null, "generic"]]);
    const answer = `${renamed}${other.length}\n${other}\n`;
    const { server, calls } = await playWeb({ oCPfdb: { "": answer } });
    const result = await googlePlayAdapter.poll(publicSource(server.url), context());
    expect(calls.map((call) => call.rpc)).toEqual(["oCPfdb"]);
    expect(result).toMatchObject({ requests: 1, problems: [], stoppedBy: "last-page" });
    expect(result.mentions.map((mention) => [mention.author?.name, mention.rating?.value])).toEqual([["Grzegorz Łukaszewicz", 2]]);
  });

  it("asks in the configured language and country and stamps the language on the reviews", async () => {
    const { server } = await playWeb({ oCPfdb: { "": fixture("batchexecute-ocpfdb-page-2.txt") } });
    const result = await googlePlayAdapter.poll(publicSource(server.url, { lang: "en", country: "gb" }), context());
    const url = new URL(server.requests[0]?.path ?? "", "http://fixture");
    expect([url.searchParams.get("hl"), url.searchParams.get("gl")]).toEqual(["en", "gb"]);
    expect(result.mentions[0]).toMatchObject({ lang: "en", details: { country: "gb" } });
  });

  it("stops at the first review it has seen, after one request", async () => {
    const { server } = await playWeb();
    const seen = new Set(["a7b6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c2d"]);
    const result = await googlePlayAdapter.poll(publicSource(server.url), context({ mode: "incremental", seen }));
    expect(result.mentions.map((mention) => mention.nativeId)).toEqual(["3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9"]);
    expect(result.stoppedBy).toBe("seen");
    expect(server.requests).toHaveLength(1);
  });

  it("takes an app without reviews as nothing found, nothing wrong", async () => {
    for (const payload of ["[]", "null", "[null,null]", "[[],[null,null],null]"]) {
      const { server } = await playWeb({ oCPfdb: { "": envelope(payload) } });
      const result = await googlePlayAdapter.poll(publicSource(server.url), context());
      expect(result).toMatchObject({ mentions: [], problems: [], parsed: 0, requests: 1, stoppedBy: "last-page" });
    }
  });

  it("reads the unchunked form of the answer too", async () => {
    const rows = fixture("batchexecute-ocpfdb-page-2.txt").split("\n")[3] ?? "";
    const { server } = await playWeb({ oCPfdb: { "": `)]}'\n\n${rows}` } });
    const result = await googlePlayAdapter.poll(publicSource(server.url), context());
    expect(result.mentions.map((mention) => mention.author?.name)).toEqual(["Grzegorz Łukaszewicz"]);
  });

  it("notices a changed format: unreadable reviews are problems, no review list from either call is a clear error", async () => {
    // Reviews as objects instead of lists: each reported, none kept.
    let web = await playWeb({ oCPfdb: { "": envelope(JSON.stringify([[{ id: "a", text: "Świetna" }, { id: "b" }], null, null])) } });
    const reshaped = await googlePlayAdapter.poll(publicSource(web.server.url), context());
    expect(reshaped).toMatchObject({ mentions: [], parsed: 2 });
    expect(reshaped.problems.map((problem) => problem.reason)).toEqual(["review #1 is not a list", "review #2 is not a list"]);

    // A review without a date.
    web = await playWeb({ oCPfdb: { "": envelope(JSON.stringify([[["f00d", ["Ala", null], 4, null, "Zażółć gęślą jaźń", null, 0]], null, null])) } });
    const undated = await googlePlayAdapter.poll(publicSource(web.server.url), context());
    expect(undated.problems.map((problem) => problem.reason)).toEqual(["review f00d has no readable date"]);

    // Neither call gives a review list: one fallback, then an error naming both answers.
    const cases: [Answer, Answer, RegExp][] = [
      [envelope(JSON.stringify({ reviews: [] })), envelope(JSON.stringify({ reviews: [] }), null, "UsvDTd"), /oCPfdb: answered without a review list \(its payload is not a review list.*UsvDTd: answered without a review list.*may have changed/],
      [envelope(null, [3]), envelope(null, [3], "UsvDTd"), /no review list of pl\.zuraw\.bank \(oCPfdb: refused \(error \[3\]\); UsvDTd: refused \(error \[3\]\)\); check the appId/],
      [{ status: 400, body: UNKNOWN_RPC }, `)]}'\n\n[["wrb.fr","Ws7gDc","[]",null,null,null,"generic"]]`, /oCPfdb: refused \(HTTP 400\); UsvDTd: answered without a review list \(no UsvDTd result, and none of the other results \(Ws7gDc\) is a review list\)/],
      ["<!doctype html><html><body>Błąd 404</body></html>", "<!doctype html><html><body>Błąd 404</body></html>", /UsvDTd: answered with no result \(no result rows \(starts with "<!doctype html>/],
    ];
    for (const [primary, legacy, message] of cases) {
      web = await playWeb({ oCPfdb: { "": primary }, UsvDTd: { "": legacy } });
      await expect(googlePlayAdapter.poll(publicSource(web.server.url), context())).rejects.toMatchObject({
        code: "SOURCE_PARSE",
        message: expect.stringMatching(message),
      });
      expect(web.calls.map((call) => call.rpc)).toEqual(["oCPfdb", "UsvDTd"]);
    }
  });

  it("takes Google's PlayGatewayError as a request limit to retry later, not a changed layout", async () => {
    const limited = envelope(null, [8, null, [["type.googleapis.com/com.google.play.gateway.proto.PlayGatewayError", [null, 2]]]]);
    const web = await playWeb({ oCPfdb: { "": limited } });
    await expect(googlePlayAdapter.poll(publicSource(web.server.url), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: true,
      message: expect.stringContaining("limiting requests (PlayGatewayError)"),
    });
    expect(web.calls).toHaveLength(1);
  });

  it("waits as long as a 429's Retry-After asks, then reads the page", async () => {
    let calls = 0;
    const server = await serve(async (_request, response) => {
      calls += 1;
      await requestBody(response);
      if (calls === 1) return response.writeHead(429, { "retry-after": "1" }).end();
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(fixture("batchexecute-ocpfdb-page-2.txt"));
    });
    const started = Date.now();
    const result = await googlePlayAdapter.poll(publicSource(server.url), context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.mentions).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((request) => request.method === "POST")).toBe(true);
  });

  it("fails a 403 at once with an error that says so", async () => {
    const server = await serve((_request, response) => response.writeHead(403, { "content-type": "text/html" }).end("<html>Forbidden</html>"));
    await expect(googlePlayAdapter.poll(publicSource(server.url), context())).rejects.toMatchObject({
      code: "SOURCE_HTTP",
      retryable: false,
      message: expect.stringMatching(/^POST .*batchexecute.*: HTTP 403$/),
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe("google play batchexecute answers (pure)", () => {
  const random = seededRandom(0x0cf6d8);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const words = ["BLIK", "przelew", "logowanie", "żółw", "„cytat”", "a\u003db", "ą&ę", "<b>", "\"x\"", "\\"];
  const reviewRow = (index: number) => [
    `${index.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`,
    [pick(["Ala", "Łukasz Ężyk", "Zoë"]), [null, 2, null, [null, 1, "https://play-lh.googleusercontent.com/a-/x"]]],
    1 + Math.floor(random() * 5),
    null,
    Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(words)).join(" "),
    [1_795_000_000 + Math.floor(random() * 1e6), Math.floor(random() * 1e9)],
    Math.floor(random() * 50),
    random() < 0.3 ? [null, "Dziękujemy!", [1_795_600_000, 0]] : null,
    null,
    null,
    random() < 0.5 ? "5.15.0" : null,
    null,
    null,
  ];
  const noise = () =>
    pick([
      ["di", Math.floor(random() * 100)],
      ["af.httprm", 40, "-2810432619712360735", 12],
      ["wrb.fr", "Ws7gDc", JSON.stringify([null, [[1, 2], "x"]]), null, null, null, "generic"],
      ["wrb.fr", "ag2B9c", JSON.stringify([[["com.example.app", 7]], null]), null, null, null, "generic"],
    ]);
  /** The answer in either framing: one JSON list, or length-prefixed chunks (rt=c). */
  const frame = (rows: unknown[], chunked: boolean) => {
    if (!chunked) return `)]}'\n\n${JSON.stringify(rows)}`;
    return `)]}'\n\n${rows.map((row) => JSON.stringify([row])).map((chunk) => `${chunk.length}\n${chunk}\n`).join("")}`;
  };

  it("finds the same reviews and token whatever the rpc id, framing and rows around them", () => {
    for (let run = 0; run < 200; run++) {
      const items = Array.from({ length: Math.floor(random() * 6) + 1 }, (_, index) => reviewRow(run * 10 + index));
      const token = random() < 0.5 ? `Cp${Math.floor(random() * 1e12).toString(36)}` : null;
      const payload = random() < 0.5 ? [items, [null, token], null] : [items, [null, token]];
      const rpc = pick(["oCPfdb", "UsvDTd", "xR7kQb"]);
      const rows = [noise(), ["wrb.fr", rpc, JSON.stringify(payload), null, null, null, "generic"], noise(), noise()];
      const rotated = rows.slice(run % rows.length).concat(rows.slice(0, run % rows.length));
      const answer = parseReviewsAnswer(frame(rotated, random() < 0.5), pick(["oCPfdb", "UsvDTd"]));
      expect(answer).toEqual({ kind: "reviews", rpc, items, ...(token ? { nextToken: token } : {}) });
    }
  });

  it("never takes a payload without reviews from another call for a review list", () => {
    for (let run = 0; run < 100; run++) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 4) }, noise);
      const answer = parseReviewsAnswer(frame(rows, random() < 0.5), "oCPfdb");
      expect(answer.kind).not.toBe("reviews");
    }
    expect(parseReviewsAnswer(`)]}'\n\n[["wrb.fr","xR7kQb","[]",null,null,null,"generic"]]`, "oCPfdb").kind).toBe("not-a-list");
    expect(parseReviewsAnswer(`)]}'\n\n[["er",null,null,null,null,400,null,null,null,3]]`, "oCPfdb")).toEqual({ kind: "refused", detail: "error row [400,3]" });
  });
});
