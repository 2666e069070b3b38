import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { googlePlacesSourceSchema, mentionId, rawMentionSchema } from "@odzew/schema";
import { startFixtureServer, testLogger } from "@odzew/testing";
import { googlePlacesAdapter } from "./google-places.source.ts";
import { testPollContext } from "./test-context.ts";

const logger = testLogger("google-places-source");
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const fixture = (name: string) => readFileSync(new URL(`./fixtures/google-places/${name}`, import.meta.url), "utf8");

const PLACE_ID = "ChIJ8d7VN_k0GkcRbV4ZQH2m1xY";
const API_KEY = "AIzaSyFixtureKey-odzew-0123456789abcdef";
const review = (id: string) => `places/${PLACE_ID}/reviews/${id}`;

/** A local Places API answering one place with a fixture, or with whatever a test scripts. */
async function places(answer: () => [number, string] = () => [200, fixture("place-5-reviews.json")]) {
  const server = await startFixtureServer((request, response) => {
    const [status, body] = request.path.startsWith(`/v1/places/${PLACE_ID}?`) ? answer() : [404, '{"error":{"code":404,"status":"NOT_FOUND"}}'];
    response.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(body);
  });
  servers.push(server);
  return server;
}

const source = (url: string, overrides: Record<string, unknown> = {}) =>
  googlePlacesSourceSchema.parse({
    id: "zuraw-piotrkowska",
    type: "google-places",
    brands: ["zuraw"],
    schedule: "0 */6 * * *",
    placeId: PLACE_ID,
    baseUrl: url,
    ...overrides,
  });

const context = (overrides: Parameters<typeof testPollContext>[1] = {}) =>
  testPollContext(logger, { secret: (name) => (name === "GOOGLE_PLACES_API_KEY" ? API_KEY : undefined), ...overrides });

describe("google places source", () => {
  it("asks for the place's reviews with the API key and field mask in headers, never in the URL", async () => {
    const server = await places();
    await googlePlacesAdapter.poll(source(server.url), context());
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: "GET", path: `/v1/places/${PLACE_ID}?languageCode=pl` });
    expect(request?.headers["x-goog-api-key"]).toBe(API_KEY);
    expect(request?.headers["x-goog-fieldmask"]).toBe("id,displayName,reviews");
    expect(request?.path).not.toContain(API_KEY);
  });

  it("delivers all 5 reviews Google shows (its maximum), newest first, in the reviewer's own words", async () => {
    const server = await places();
    const result = await googlePlacesAdapter.poll(source(server.url), context());

    expect(result).toMatchObject({ pages: 1, requests: 1, parsed: 5, problems: [], stoppedBy: "last-page" });
    // Google orders by relevance; the mentions come newest first.
    expect(result.mentions.map((mention) => [mention.nativeId, mention.publishedAt])).toEqual([
      [review("ChdDSUhNMG9nS0VJQ0FnSUNUMVl6b3F3RRAB"), "2026-11-20T15:55:00.000Z"],
      [review("ChdDSUhNMG9nS0VJQ0FnSURMOWFfcG5RRRAB"), "2026-11-17T18:40:02.114Z"],
      [review("ChZDSUhNMG9nS0VJQ0FnSUNMNnBDLWFnEAE"), "2026-11-04T10:12:45.321Z"],
      [review("ChZDSUhNMG9nS0VJQ0FnSUNiN3Y3X1pnEAE"), "2026-09-21T07:03:19.870Z"],
      [review("ChZDSUhNMG9nS0VJQ0FnSURMbDZxUldREAE"), "2026-07-30T12:00:41.005Z"],
    ]);
    for (const mention of result.mentions) rawMentionSchema.parse(mention);

    const byId = new Map(result.mentions.map((mention) => [mention.nativeId, mention]));
    expect(byId.get(review("ChdDSUhNMG9nS0VJQ0FnSURMOWFfcG5RRRAB"))).toEqual({
      schemaVersion: 1,
      id: mentionId("zuraw-piotrkowska", review("ChdDSUhNMG9nS0VJQ0FnSURMOWFfcG5RRRAB")),
      source: { id: "zuraw-piotrkowska", type: "google-places" },
      nativeId: review("ChdDSUhNMG9nS0VJQ0FnSURMOWFfcG5RRRAB"),
      url: "https://www.google.com/maps/reviews/data=!4m6!14m5!1m4!2m3!1sChdDSUhNMG9nS0VJQ0FnSURMOWFfcG5RRRAB!2m1!1s0x0:0x16d7a6d7d0195e6d",
      author: { name: "John Carter", profileUrl: "https://www.google.com/maps/contrib/104857362910475638291/reviews" },
      // The original English, not Google's Polish translation.
      text: "Waited ages at the till, only one person serving.",
      lang: "en",
      rating: { value: 2, original: 2, scaleMin: 1, scaleMax: 5 },
      publishedAt: "2026-11-17T18:40:02.114Z",
      collectedAt: "2026-11-25T12:00:00.000Z",
      details: { subject: "Żuraw – sklep stacjonarny Łódź Piotrkowska" },
      brandHints: ["zuraw"],
    });
    expect(byId.get(review("ChZDSUhNMG9nS0VJQ0FnSURMbDZxUldREAE"))).toMatchObject({
      text: "Дуже хороший вибір інструментів, консультант знався на справі.",
      lang: "uk",
      rating: { value: 5 },
    });
    // Stars only: kept for its rating, with an empty text and no language.
    const starsOnly = byId.get(review("ChZDSUhNMG9nS0VJQ0FnSUNiN3Y3X1pnEAE"));
    expect(starsOnly).toMatchObject({ text: "", rating: { value: 4 }, author: { name: "Ola K" } });
    expect(starsOnly?.lang).toBeUndefined();
  });

  it("yields nothing new, in one request, when the five reviews were all seen", async () => {
    const server = await places();
    const first = await googlePlacesAdapter.poll(source(server.url), context());
    const seen = new Set(first.mentions.map((mention) => mention.nativeId));
    const again = await googlePlacesAdapter.poll(source(server.url), context({ mode: "incremental", seen }));
    expect(again).toMatchObject({ mentions: [], requests: 1, stoppedBy: "seen" });
  });

  it("reports a review without a publish time instead of dating it from '3 tygodnie temu'", async () => {
    const place = JSON.parse(fixture("place-5-reviews.json")) as { reviews: Record<string, unknown>[] };
    delete place.reviews[0]!.publishTime;
    place.reviews[1]!.name = undefined;
    const server = await places(() => [200, JSON.stringify(place)]);
    const result = await googlePlacesAdapter.poll(source(server.url), context());
    expect(result.mentions).toHaveLength(3);
    expect(result.problems.map((problem) => problem.reason)).toEqual([
      expect.stringContaining(`${review("ChZDSUhNMG9nS0VJQ0FnSUNMNnBDLWFnEAE")} has no readable publishTime`),
      "review #2 has no name (places/…/reviews/…)",
    ]);
  });

  it("treats a place without reviews as nothing new", async () => {
    const server = await places(() => [200, fixture("place-no-reviews.json")]);
    const result = await googlePlacesAdapter.poll(source(server.url), context());
    expect(result).toMatchObject({ mentions: [], problems: [], stoppedBy: "last-page" });
  });

  it("fails a refused or invalid API key at once, naming the variable to fix", async () => {
    for (const [status, body, reason] of [
      [403, fixture("error-403-key.json"), "API_KEY_HTTP_REFERRER_BLOCKED"],
      [400, fixture("error-400-invalid-key.json"), "API key not valid"],
    ] as const) {
      const server = await places(() => [status, body]);
      const error: unknown = await googlePlacesAdapter.poll(source(server.url), context()).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "SOURCE_HTTP", retryable: false, message: expect.stringContaining(`HTTP ${status}`) });
      expect((error as Error).message).toContain("GOOGLE_PLACES_API_KEY");
      expect((error as Error).message).toContain(reason);
      expect((error as Error).message).not.toContain(API_KEY);
      expect(server.requests).toHaveLength(1);
    }
  });

  it("names the missing API key variable before sending anything", async () => {
    const server = await places();
    await expect(
      googlePlacesAdapter.poll(source(server.url, { apiKeyEnv: "PLACES_KEY_ZURAW" }), context({ secret: () => undefined })),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("PLACES_KEY_ZURAW") });
    expect(server.requests).toHaveLength(0);
  });

  it("fails an unexpected answer with SOURCE_PARSE, not a TypeError", async () => {
    for (const body of ['{"id":"x","reviews":"none"}', "<!DOCTYPE html><title>Error</title>", "null"]) {
      const server = await places(() => [200, body]);
      await expect(googlePlacesAdapter.poll(source(server.url), context())).rejects.toMatchObject({ code: "SOURCE_PARSE" });
    }
  });
});
