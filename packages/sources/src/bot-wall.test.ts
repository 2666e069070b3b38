import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OdzewError, seededRandom } from "@odzew/core";
import { trustpilotSourceSchema, type SourceConfig } from "@odzew/schema";
import { testLogger, useFixtureServers } from "@odzew/testing";
import { botWallMessage, botWallOf, recogniseBotWall, type BotWallResponse } from "./bot-wall.ts";
import { emptyCursor } from "./cursor.ts";
import { pollTransition } from "./health.ts";
import { HttpClient } from "./http-client.ts";
import { testPollContext } from "./test-context.ts";
import { trustpilotAdapter } from "./trustpilot.source.ts";

const logger = testLogger("bot-wall");
const serve = useFixtureServers();
const page = (name: string) => readFileSync(new URL(`./fixtures/bot-wall/${name}`, import.meta.url), "utf8");

/** The headers Cloudflare sends with a managed challenge (as captured in front of a review page). */
const CLOUDFLARE_CHALLENGE_HEADERS = {
  "content-type": "text/html; charset=UTF-8",
  "cf-mitigated": "challenge",
  server: "cloudflare",
  "cf-ray": "8e1f0c2a9b7d4f21-WAW",
  "cache-control": "private, max-age=0, no-store, no-cache, must-revalidate, post-check=0, pre-check=0",
  "critical-ch": "Sec-CH-UA-Bitness, Sec-CH-UA-Arch, Sec-CH-UA-Full-Version, Sec-CH-UA-Mobile, Sec-CH-UA-Model",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "accelerometer=(),autoplay=(),browsing-topics=(),camera=(),clipboard-read=(),clipboard-write=()",
  "referrer-policy": "same-origin",
  "x-frame-options": "SAMEORIGIN",
};

const response = (status: number, headers: Record<string, unknown>, body: string): BotWallResponse => ({ status, headers, body });

describe("recogniseBotWall", () => {
  it.each([
    ["a Cloudflare managed challenge", response(403, CLOUDFLARE_CHALLENGE_HEADERS, page("cloudflare-challenge.html")), "Cloudflare", "header cf-mitigated: challenge"],
    [
      "a Cloudflare challenge without cf-mitigated (a 503 'I'm Under Attack' page)",
      response(503, { server: "cloudflare", "content-type": "text/html" }, page("cloudflare-challenge.html")),
      "Cloudflare",
      "a /cdn-cgi/challenge-platform/ script",
    ],
    ["a Cloudflare firewall block (error 1020)", response(403, { server: "cloudflare" }, page("cloudflare-1020.html")), "Cloudflare", "a Cloudflare error code (cf-error-code)"],
    ["Akamai's Access Denied", response(403, { server: "AkamaiGHost", "content-type": "text/html" }, page("akamai-access-denied.html")), "Akamai", 'an Akamai "Reference #" id'],
    ["an AWS WAF CAPTCHA (405)", response(405, { "x-amzn-waf-action": "captcha", "content-type": "text/html" }, page("aws-waf-captcha.html")), "AWS WAF", "header x-amzn-waf-action: captcha"],
    ["an AWS WAF CAPTCHA page behind a 403 without its header", response(403, { "content-type": "text/html" }, page("aws-waf-captcha.html")), "AWS WAF", "an AWS WAF captcha script (awswaf)"],
    [
      "a DataDome captcha",
      response(403, { "x-datadome": "protected", "x-dd-b": "1", "set-cookie": ["datadome=5nF~q0u9; Max-Age=31536000; Domain=.ceneo.pl; Path=/; Secure; SameSite=Lax"] }, page("datadome-captcha.html")),
      "DataDome",
      "an x-datadome header",
    ],
    ["a DataDome captcha without its headers", response(403, {}, page("datadome-captcha.html")), "DataDome", "DataDome's captcha (captcha-delivery.com)"],
    ["a PerimeterX Press & Hold", response(403, { "content-type": "text/html" }, page("perimeterx-block.html")), "PerimeterX (HUMAN)", "a PerimeterX script (_pxAppId, px-captcha)"],
    [
      "an Imperva incident",
      response(403, { "x-iinfo": "8-11223344-0 0NNN RT(1732876800123 41) q(0 -1 -1 -1) r(0 -1)", "set-cookie": ["incap_ses_1234_567=abc; path=/; Domain=.example.pl"] }, page("imperva-incident.html")),
      "Imperva (Incapsula)",
      "an x-iinfo header",
    ],
    ["an Imperva incident page alone", response(403, {}, page("imperva-incident.html")), "Imperva (Incapsula)", "an Incapsula incident page"],
  ])("recognises %s", (_, answer, vendor, signal) => {
    expect(recogniseBotWall(answer)).toEqual({ vendor, signal });
  });

  it("recognises an AWS WAF challenge even with 202 Accepted, and a Cloudflare challenge whatever its status", () => {
    expect(recogniseBotWall(response(202, { "x-amzn-waf-action": "challenge" }, "<html></html>"))).toEqual({ vendor: "AWS WAF", signal: "header x-amzn-waf-action: challenge" });
    expect(recogniseBotWall(response(200, CLOUDFLARE_CHALLENGE_HEADERS, ""))?.vendor).toBe("Cloudflare");
  });

  it.each([
    ["a plain 403 from nginx", response(403, { server: "nginx", "content-type": "text/html" }, page("nginx-403.html"))],
    ["a 404 served through Cloudflare", response(404, { server: "cloudflare", "cf-ray": "8e1f0c2a9b7d4f23-WAW" }, "<html><title>Nie znaleziono</title><body>Strona nie istnieje</body></html>")],
    ["a 429 rate limit from an API", response(429, { "content-type": "application/json", "retry-after": "30" }, '{"error":{"code":429,"message":"Quota exceeded"}}')],
    // Sites that let the collector in still carry their protection's cookies, headers and scripts.
    ["a review page from a DataDome-protected shop that let us in", response(200, { "x-datadome": "protected", "set-cookie": ["datadome=abc; Path=/"] }, page("datadome-captcha.html"))],
    ["a review page behind Cloudflare that let us in", response(200, { server: "cloudflare", "cf-ray": "8e1f0c2a9b7d4f24-WAW" }, page("cloudflare-1020.html"))],
    ["a review that says 'Access Denied' on a page that loaded", response(200, { server: "AkamaiGHost" }, page("akamai-access-denied.html"))],
  ])("does not take %s for a bot wall", (_, answer) => {
    expect(recogniseBotWall(answer)).toBeUndefined();
  });

  it("for any mix of protection headers, cookies and page text, lets a page that loaded through unless a challenge header says otherwise", () => {
    const random = seededRandom(1313);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const headerPool: Record<string, string>[] = [
      { server: "cloudflare", "cf-ray": "8e1f0c2a9b7d4f25-WAW" },
      { "x-datadome": "protected" },
      { "x-iinfo": "8-1-0 0NNN RT(1 2)" },
      { server: "AkamaiGHost" },
      { "set-cookie": "datadome=abc; Path=/" },
      { "set-cookie": "_px3=abc; Path=/" },
      { "set-cookie": "incap_ses_1_2=abc; Path=/" },
      { "x-amzn-requestid": "6c7d…" },
    ];
    const pages = ["cloudflare-challenge.html", "cloudflare-1020.html", "akamai-access-denied.html", "aws-waf-captcha.html", "datadome-captcha.html", "perimeterx-block.html", "imperva-incident.html", "nginx-403.html"];
    for (let run = 0; run < 300; run++) {
      const headers = Object.assign({}, pick(headerPool), pick(headerPool));
      const status = pick([200, 201, 203, 204, 206, 301, 302, 304]);
      const body = page(pick(pages));
      expect(recogniseBotWall(response(status, headers, body))).toBeUndefined();
      // The headers only a challenge carries decide on their own, whatever the status and page.
      expect(recogniseBotWall(response(pick([200, 202, 403, 429, 503]), { ...headers, "cf-mitigated": "challenge" }, body))?.vendor).toBe("Cloudflare");
      // Recognising is a pure function of the answer: the same answer, the same verdict.
      const refusal = response(pick([403, 429, 503]), headers, body);
      expect(recogniseBotWall(refusal)).toEqual(recogniseBotWall(refusal));
    }
  });

  it("reads a wall back from an error's context, and nothing else", () => {
    expect(botWallOf({ botWall: { vendor: "Akamai", signal: "server: AkamaiGHost" } })).toEqual({ vendor: "Akamai", signal: "server: AkamaiGHost" });
    expect(botWallOf({ botWall: { vendor: "Someone", signal: "x" } })).toBeUndefined();
    expect(botWallOf({ status: 403 })).toBeUndefined();
  });

  it("explains the refusal with the official route where the site has one", () => {
    const wall = { vendor: "Cloudflare" as const, signal: "header cf-mitigated: challenge" };
    const trustpilot = botWallMessage(wall, { status: 403, url: "https://pl.trustpilot.com/review/zuraw.pl?sort=recency" });
    expect(trustpilot).toContain("the site's bot protection (Cloudflare) refused the collector at pl.trustpilot.com (HTTP 403, header cf-mitigated: challenge)");
    expect(trustpilot).toContain("Trustpilot's official Business API");
    expect(botWallMessage(wall, { url: "https://play.google.com/store/apps/details?id=pl.zuraw" })).toContain("the Google Play Developer API for your own app");
    expect(botWallMessage(wall, { url: "https://www.google.com/maps/place/zuraw" })).toContain("Google's APIs");
    const ceneo = botWallMessage(wall, { status: 403, url: "https://www.ceneo.pl/12345#tab=reviews" });
    expect(ceneo).not.toContain("official");
    expect(ceneo).toContain('a later "schedule"');
  });
});

describe("a source behind a bot wall", () => {
  const limits: SourceConfig["limits"] = { maxPages: 10, backfillPages: 20, maxItemsPerPoll: 1000 };
  // The fixture server stands in for pl.trustpilot.com: the name resolves to it.
  const http = new HttpClient({
    logger,
    minIntervalMsPerHost: 0,
    maxAttempts: 3,
    timeoutMs: 5_000,
    allowPrivateHosts: true,
    resolveHost: () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]),
  });
  const source = (origin: string) =>
    trustpilotSourceSchema.parse({ id: "tp-zuraw", type: "trustpilot", brands: ["zuraw"], schedule: "15 * * * *", url: `${origin}/review/zuraw.pl` });

  async function pollOnce(status: number, headers: Record<string, string>, body: string) {
    const server = await serve((_, res) => res.writeHead(status, headers).end(body));
    const origin = server.url.replace("127.0.0.1", "pl.trustpilot.com");
    const now = new Date("2026-11-25T12:00:00.000Z");
    const error: unknown = await trustpilotAdapter.poll(source(origin), testPollContext(logger, { http })).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const transition = pollTransition(emptyCursor("tp-zuraw", now), { ok: false, error }, { startedAt: now, now, mode: "backfill", limits });
    return { server, error, transition };
  }

  it("raises BLOCKED after one poll of a Cloudflare challenge, saying who refused and what the user can do", async () => {
    const { server, error, transition } = await pollOnce(403, CLOUDFLARE_CHALLENGE_HEADERS, page("cloudflare-challenge.html"));

    expect(error).toBeInstanceOf(OdzewError);
    expect(error).toMatchObject({ code: "SOURCE_HTTP", context: { status: 403, botWall: { vendor: "Cloudflare" } } });
    // Not hammered: one request, no retries inside the poll.
    expect(server.requests).toHaveLength(1);
    expect(transition.alert.kind).toBe("raised");
    const alert = transition.cursor.health.alert;
    expect(alert?.code).toBe("BLOCKED");
    expect(alert?.message).toContain("the site's bot protection (Cloudflare) refused the collector");
    expect(alert?.message).toContain("Trustpilot's official Business API");
    expect(alert?.message).toContain('poll less often (a later "schedule" on the source)');
    expect(alert?.message).toContain("network: { proxy: { urlEnv: NAME } }");
  });

  it("does not retry a 503 challenge inside the poll either", async () => {
    const { server, transition } = await pollOnce(503, { server: "cloudflare", "content-type": "text/html" }, page("cloudflare-challenge.html"));
    expect(server.requests).toHaveLength(1);
    expect(transition.cursor.health.alert?.code).toBe("BLOCKED");
  });

  it("keeps today's rule for a plain 403: no alert after one refusal", async () => {
    const { error, transition } = await pollOnce(403, { server: "nginx", "content-type": "text/html" }, page("nginx-403.html"));
    expect(error).toMatchObject({ code: "SOURCE_HTTP", context: { status: 403 } });
    expect(error instanceof OdzewError ? error.context.botWall : "not an OdzewError").toBeUndefined();
    expect(transition.cursor.health.alert).toBeUndefined();
  });
});
