import { describe, expect, it } from "vitest";
import { OdzewError, seededRandom } from "@odzew/core";
import { googleErrorBody, googleReplyError, type GoogleReplyErrorWords } from "./google-reply.ts";

const words: GoogleReplyErrorWords = {
  api: "Google Play",
  doing: "posting the reply to review gp:1 of pl.zuraw.bank",
  authHint: "Check the service account key",
  forbiddenHint: "The service account needs the Reply to reviews permission",
  notFoundHint: "No review gp:1 of pl.zuraw.bank",
};

/** A failure as the HTTP client reports it: SOURCE_HTTP with the status and the start of the body. */
function httpError(status: number | undefined, body?: string, retryAfterMs?: number): OdzewError {
  const transient = status === undefined || status === 408 || status === 429 || status >= 500;
  return new OdzewError("SOURCE_HTTP", `POST https://androidpublisher.googleapis.com/…: ${status === undefined ? "socket hang up" : `HTTP ${status}`}`, {
    retryable: transient,
    context: {
      url: "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/pl.zuraw.bank/reviews/gp%3A1:reply",
      ...(status !== undefined ? { status } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  });
}

const googleBody = (code: number, message: string, status: string) => JSON.stringify({ error: { code, message, status } });

describe("googleErrorBody", () => {
  it("reads Google's error, a body cut off by the client, and an OAuth token endpoint's error", () => {
    expect(googleErrorBody(googleBody(403, "The caller does not have permission", "PERMISSION_DENIED"))).toEqual({
      message: "The caller does not have permission",
      status: "PERMISSION_DENIED",
    });
    const long = googleBody(400, `Reply text "${"x".repeat(400)}" is too long`, "INVALID_ARGUMENT");
    expect(googleErrorBody(long.slice(0, 300)).message).toMatch(/^Reply text "x+/);
    expect(googleErrorBody('{"error":"invalid_grant","error_description":"Invalid JWT Signature."}')).toEqual({
      message: "invalid_grant: Invalid JWT Signature.",
    });
    expect(googleErrorBody("<html>502 Bad Gateway</html>")).toEqual({});
    expect(googleErrorBody(undefined)).toEqual({});
  });
});

describe("googleReplyError", () => {
  it.each([
    [400, "REPLY_REJECTED", false],
    [409, "REPLY_REJECTED", false],
    [401, "REPLY_AUTH", false],
    [403, "REPLY_FORBIDDEN", false],
    [404, "REPLY_NOT_FOUND", false],
    [429, "REPLY_RATE_LIMITED", true],
    [408, "REPLY_UNAVAILABLE", true],
    [500, "REPLY_UNAVAILABLE", true],
    [503, "REPLY_UNAVAILABLE", true],
    [undefined, "REPLY_UNAVAILABLE", true],
  ] as const)("HTTP %s is %s (retryable: %s), with Google's words", (status, code, retryable) => {
    const error = googleReplyError(httpError(status, googleBody(status ?? 0, "Google's own reason.", "SOME_STATUS")), words);
    expect(error).toMatchObject({ code, retryable });
    if (status !== undefined) expect(error.message).toContain("Google's own reason");
    expect(error.message).toContain(words.api);
  });

  it("keeps the Retry-After of a 429 and tells that the outcome of a 5xx is unclear", () => {
    const limited = googleReplyError(httpError(429, googleBody(429, "Quota exceeded", "RESOURCE_EXHAUSTED"), 42_000), words);
    expect(limited.context).toMatchObject({ status: 429, retryAfterMs: 42_000, googleStatus: "RESOURCE_EXHAUSTED" });
    const failed = googleReplyError(httpError(500, googleBody(500, "Internal error encountered.", "INTERNAL")), words);
    expect(failed.message).toContain("may or may not have been stored");
  });

  it("turns configuration problems into REPLY_NOT_CONFIGURED and passes reply errors through", () => {
    const missing = new OdzewError("CONFIG_INVALID", "serviceAccountKeyFile names the environment variable PLAY_KEY, which is not set");
    expect(googleReplyError(missing, words)).toMatchObject({ code: "REPLY_NOT_CONFIGURED", retryable: false });
    expect(googleReplyError(missing, words).message).toContain("PLAY_KEY");
    const address = new OdzewError("SOURCE_FORBIDDEN_ADDRESS", "refused: 10.0.0.5 is a private address");
    expect(googleReplyError(address, words).code).toBe("REPLY_NOT_CONFIGURED");
    const already = new OdzewError("REPLY_REJECTED", "too long");
    expect(googleReplyError(already, words)).toBe(already);
    expect(googleReplyError(new Error("boom"), words)).toMatchObject({ code: "REPLY_UNAVAILABLE", retryable: true });
  });

  it("for any status and any message: a reply code, retryable exactly for 408/429/5xx, a message the event schema keeps", () => {
    const random = seededRandom(20261129);
    const codes = new Set(["REPLY_REJECTED", "REPLY_AUTH", "REPLY_FORBIDDEN", "REPLY_NOT_FOUND", "REPLY_RATE_LIMITED", "REPLY_UNAVAILABLE"]);
    for (let run = 0; run < 500; run++) {
      const status = 400 + Math.floor(random() * 200);
      const message = "Ą".repeat(Math.floor(random() * 3_000));
      const body = random() < 0.5 ? googleBody(status, message, "X").slice(0, 300) : random() < 0.5 ? "" : "not json";
      const error = googleReplyError(httpError(status, body), words);
      expect(codes.has(error.code)).toBe(true);
      expect(error.retryable).toBe(status === 408 || status === 429 || status >= 500);
      expect(error.message.length).toBeLessThanOrEqual(2_000);
      expect(error.context.status).toBe(status);
    }
  });
});
