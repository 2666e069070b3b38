import { describe, expect, it } from "vitest";
import { allegroSourceSchema } from "@odzew/schema";
import { odzewFailure, startAllegroApi, testLogger, useFixtureServers } from "@odzew/testing";
import { HttpClient } from "../http-client.ts";
import type { ReplyContext } from "./adapter.ts";
import { ALLEGRO_ANSWER_MAX, allegroReplyAdapter } from "./allegro.reply.ts";
import { replyAdapterFor, replyCapability } from "./registry.ts";

const logger = testLogger("allegro-reply");
const serve = useFixtureServers();

const SECRETS: Record<string, string> = {
  ALLEGRO_CLIENT_ID: "c0ffee00c0ffee00c0ffee00c0ffee00",
  ALLEGRO_CLIENT_SECRET: "allegro-reply-secret-J2mV",
  ALLEGRO_REFRESH_TOKEN: "allegro-reply-refresh-P9sd",
};
const RATING = "5df0a6d1ef437e00255572a1";

const source = (api: { url: string; tokenUrl: string }) =>
  allegroSourceSchema.parse({
    id: "allegro-sklep",
    type: "allegro",
    schedule: "*/30 * * * *",
    oauth: { clientIdEnv: "ALLEGRO_CLIENT_ID", clientSecretEnv: "ALLEGRO_CLIENT_SECRET", refreshTokenEnv: "ALLEGRO_REFRESH_TOKEN" },
    baseUrl: api.url,
    tokenUrl: api.tokenUrl,
    network: { allowPrivate: true },
  });

/** What the responder gives an adapter: a client that tries once (it decides about retries itself). */
const context = (overrides: Partial<ReplyContext> = {}): ReplyContext => ({
  http: new HttpClient({ logger, minIntervalMsPerHost: 0, maxAttempts: 1, timeoutMs: 5_000 }),
  secret: (name) => SECRETS[name],
  now: new Date("2026-11-29T12:00:00.000Z"),
  ...overrides,
});

async function allegro() {
  const api = await startAllegroApi({
    clientId: SECRETS.ALLEGRO_CLIENT_ID ?? "",
    clientSecret: SECRETS.ALLEGRO_CLIENT_SECRET ?? "",
    refreshToken: SECRETS.ALLEGRO_REFRESH_TOKEN ?? "",
    ratings: [{ id: RATING, createdAt: "2026-11-20T08:15:00.000Z", recommended: false, comment: "Paczka uszkodzona", buyer: { id: "1", login: "anna_k" } }],
    serve,
  });
  return { api, config: source(api) };
}

describe("allegro answer adapter", () => {
  it("is the reply adapter of allegro sources: it can answer, at most 500 characters, and cannot delete", async () => {
    const { config } = await allegro();
    expect(replyAdapterFor(config)).toBe(allegroReplyAdapter);
    expect(replyCapability(config)).toEqual({ canReply: true, maxLength: ALLEGRO_ANSWER_MAX, canDelete: false });
  });

  it("answers a rating with PUT …/answer and then shows the answer as current", async () => {
    const { api, config } = await allegro();
    expect(await allegroReplyAdapter.current(config, RATING, context())).toBeUndefined();

    const posted = await allegroReplyAdapter.post(config, RATING, "Przepraszamy, wysłaliśmy nową sztukę.", context());
    expect(posted.text).toBe("Przepraszamy, wysłaliśmy nową sztukę.");
    expect(await allegroReplyAdapter.current(config, RATING, context())).toEqual({ text: "Przepraszamy, wysłaliśmy nową sztukę.", updatedAt: posted.updatedAt });

    const put = api.apiCalls().find((call) => call.method === "PUT");
    expect(put).toMatchObject({
      path: `/sale/user-ratings/${RATING}/answer`,
      contentType: "application/vnd.allegro.public.v1+json",
      accept: "application/vnd.allegro.public.v1+json",
    });
    expect(JSON.parse(put?.body ?? "{}")).toEqual({ message: "Przepraszamy, wysłaliśmy nową sztukę." });
    expect(put?.authorization).toMatch(/^Bearer allegro-access-/);
    // One token for all three calls.
    expect(api.tokensIssued()).toBe(1);
  });

  it("refuses a text over 500 characters before asking Allegro", async () => {
    const { api, config } = await allegro();
    const error = await odzewFailure(allegroReplyAdapter.post(config, RATING, "x".repeat(501), context()));
    expect(error).toMatchObject({ code: "REPLY_REJECTED", retryable: false });
    expect(error.message).toMatch(/501 characters long; Allegro accepts at most 500: shorten it by 1 character/);
    expect(api.requests).toHaveLength(0);
  });

  it("shows Allegro's own words when it refuses the text (422)", async () => {
    const { api, config } = await allegro();
    api.failNext("validation");
    const error = await odzewFailure(allegroReplyAdapter.post(config, RATING, "Tekst", context()));
    expect(error).toMatchObject({ code: "REPLY_REJECTED", retryable: false, context: { status: 422 } });
    expect(error.message).toBe("Allegro refused the answer (HTTP 422): Treść odpowiedzi zawiera niedozwolone słowa (VALIDATION_ERROR)");
  });

  it("a refusal of an answer Allegro already shows word for word is the answer being there, not a failure", async () => {
    const { api, config } = await allegro();
    await allegroReplyAdapter.post(config, RATING, "Dziękujemy za ocenę", context());
    api.failNext("validation");
    await expect(allegroReplyAdapter.post(config, RATING, "Dziękujemy za ocenę", context())).resolves.toMatchObject({ text: "Dziękujemy za ocenę" });
    api.failNext("validation");
    await expect(allegroReplyAdapter.post(config, RATING, "Inny tekst", context())).rejects.toMatchObject({ code: "REPLY_REJECTED" });
  });

  it("says the rating is gone (404), the account may not answer (403), Allegro is limiting (429) or failing (500)", async () => {
    const { api, config } = await allegro();
    expect(await odzewFailure(allegroReplyAdapter.post(config, "missing-rating", "Dziękujemy", context()))).toMatchObject({
      code: "REPLY_NOT_FOUND",
      retryable: false,
      message: "Allegro has no rating missing-rating for this seller (HTTP 404): Nie znaleziono oceny (NOT_FOUND)",
    });
    api.failNext("forbidden");
    expect(await odzewFailure(allegroReplyAdapter.post(config, RATING, "Dziękujemy", context()))).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    api.failNext("rate-limit");
    const limited = await odzewFailure(allegroReplyAdapter.post(config, RATING, "Dziękujemy", context()));
    expect(limited).toMatchObject({ code: "REPLY_RATE_LIMITED", retryable: true, context: { retryAfterMs: 1000 } });
    expect(limited.message).toMatch(/HTTP 429\); it asks to wait 1 s: Zbyt wiele zapytań/);
    api.failNext("server-error");
    expect(await odzewFailure(allegroReplyAdapter.post(config, RATING, "Dziękujemy", context()))).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
    // Nothing was stored by the refused and failed calls.
    expect(await allegroReplyAdapter.current(config, RATING, context())).toBeUndefined();
  });

  it("a 5xx after Allegro stored the answer is unclear, and current then shows the answer: it is not posted again", async () => {
    const { api, config } = await allegro();
    api.failNext("server-error-after-store");
    const error = await odzewFailure(allegroReplyAdapter.post(config, RATING, "Dziękujemy za ocenę", context()));
    expect(error).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true, context: { status: 503 } });
    expect((await allegroReplyAdapter.current(config, RATING, context()))?.text).toBe("Dziękujemy za ocenę");
    expect(api.apiCalls().filter((call) => call.method === "PUT")).toHaveLength(1);
  });

  it("gets a fresh token once when Allegro says the token expired", async () => {
    const { api, config } = await allegro();
    await allegroReplyAdapter.current(config, RATING, context());
    api.failNext("expired-token");
    await allegroReplyAdapter.post(config, RATING, "Dziękujemy", context());
    expect(api.tokensIssued()).toBe(2);
    expect(api.apiCalls().map((call) => `${call.method} ${call.status}`)).toEqual(["GET 200", "PUT 401", "PUT 200"]);
  });

  it("a refused refresh token is REPLY_AUTH saying what to do; a missing variable is REPLY_NOT_CONFIGURED naming it", async () => {
    const { api, config } = await allegro();
    api.failNext("invalid-grant");
    const auth = await odzewFailure(allegroReplyAdapter.post(config, RATING, "Dziękujemy", context()));
    expect(auth).toMatchObject({ code: "REPLY_AUTH", retryable: false });
    expect(auth.message).toMatch(/refused the refresh token in ALLEGRO_REFRESH_TOKEN .*put the new refresh token in ALLEGRO_REFRESH_TOKEN/);
    for (const value of Object.values(SECRETS)) expect(auth.message).not.toContain(value);

    const missing = await odzewFailure(
      allegroReplyAdapter.current(config, RATING, context({ secret: (name) => (name === "ALLEGRO_CLIENT_SECRET" ? undefined : SECRETS[name]) })),
    );
    expect(missing).toMatchObject({ code: "REPLY_NOT_CONFIGURED", context: { variable: "ALLEGRO_CLIENT_SECRET" } });
    expect(missing.message).toMatch(/ALLEGRO_CLIENT_SECRET .* is not set/);
  });

  it("refuses to delete an answer, which Allegro's API cannot do, without calling it", async () => {
    const { api, config } = await allegro();
    const error = await odzewFailure(allegroReplyAdapter.remove(config, RATING, context()));
    expect(error).toMatchObject({ code: "REPLY_FORBIDDEN", retryable: false });
    expect(error.message).toMatch(/cannot delete an answer/);
    expect(api.requests).toHaveLength(0);
  });
});
