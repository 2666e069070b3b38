/**
 * Bot walls: a site's bot protection (a CDN or WAF in front of it) answering the collector with
 * a challenge or block page instead of the page asked for. Recognised from the response alone
 * (status, headers, the start of the body), so that a source behind one raises a `BLOCKED` alert
 * at once that says what refused it and what the user can do, rather than a bare "HTTP 403".
 *
 * The signatures are the ones maintained detectors use:
 * - Cloudflare documents `cf-mitigated: challenge` on every challenge page ("Detect a Challenge
 *   Page response"); its block pages carry `server: cloudflare` with "Just a moment…",
 *   `/cdn-cgi/challenge-platform/`, `cf-chl`/`__cf_chl_` tokens, "Attention Required!" or a
 *   `cf-error-code` span (crawl4ai `antibot_detector.py`, crawlee `blocked.ts`).
 * - AWS WAF documents `x-amzn-waf-action: challenge` (HTTP 202) and `x-amzn-waf-action: captcha`
 *   (HTTP 405) on its interstitials ("CAPTCHA and Challenge action behavior"); its pages load
 *   `awswaf` scripts (microlink `is-antibot` providers.json).
 * - Akamai: `server: AkamaiGHost`, "Access Denied" with a "Reference #18.…" id (crawl4ai).
 * - DataDome: `x-datadome`/`x-datadome-cid`/`x-dd-b` headers, a `datadome=` cookie, the
 *   `captcha-delivery.com` challenge (is-antibot, crawl4ai).
 * - PerimeterX/HUMAN: `window._pxAppId`, `captcha.px-cdn.net`, `_px3`/`_pxhd` cookies, the
 *   "Press & Hold" challenge (is-antibot, crawl4ai).
 * - Imperva/Incapsula: `x-iinfo`, `x-cdn: Incapsula`, `incap_ses_`/`visid_incap_` cookies,
 *   "Incapsula incident ID", `_Incapsula_Resource` (is-antibot, crawl4ai, crawlee).
 *
 * Headers that only a challenge carries (`cf-mitigated`, `x-amzn-waf-action`) count on any
 * status, even a 2xx (AWS WAF challenges with 202). Everything else counts only on a refusal
 * (4xx/5xx): a site behind DataDome or Cloudflare that lets the collector in sets their cookies
 * and headers on ordinary pages too. Pure: no I/O.
 */

export type BotWallVendor = "Cloudflare" | "Akamai" | "AWS WAF" | "DataDome" | "PerimeterX (HUMAN)" | "Imperva (Incapsula)";

export interface BotWall {
  vendor: BotWallVendor;
  /** What gave it away, for the alert and the logs, e.g. `header cf-mitigated: challenge`. */
  signal: string;
}

export interface BotWallResponse {
  status: number;
  /** Response headers by lower-case name; `set-cookie` may be a list. */
  headers: Readonly<Record<string, unknown>>;
  /** The start of the decoded body (the first tens of kilobytes are plenty). */
  body: string;
}

/** How much of the body is searched: challenge pages are small, and their markers come early. */
const BODY_SCAN = 64 * 1024;

type Rule = (response: { status: number; header: (name: string) => string; cookies: string; body: string }) => string | undefined;

const matches = (pattern: RegExp, text: string, what: string): string | undefined => (pattern.test(text) ? what : undefined);

/** Per vendor, the rules that count on a refusal (4xx/5xx), most telling first. */
const REFUSAL_RULES: ReadonlyArray<{ vendor: BotWallVendor; rules: Rule[] }> = [
  {
    vendor: "Cloudflare",
    rules: [
      ({ body }) => matches(/\/cdn-cgi\/challenge-platform\//i, body, "a /cdn-cgi/challenge-platform/ script"),
      ({ body }) => matches(/__cf_chl_(?:opt|f_tk|rt_tk|tk)|window\._cf_chl_opt/i, body, "a Cloudflare challenge token (__cf_chl_)"),
      ({ body }) => matches(/<span[^>]*class=["']?cf-error-code/i, body, "a Cloudflare error code (cf-error-code)"),
      ({ header, body }) =>
        /cloudflare/i.test(header("server")) && /<title>\s*(?:Just a moment|Attention Required!?\s*\|\s*Cloudflare)/i.test(body)
          ? `server: cloudflare with "${/<title>\s*Just a moment/i.test(body) ? "Just a moment…" : "Attention Required!"}"`
          : undefined,
      ({ header, body }) => (/cloudflare/i.test(header("server")) && /\bcf-chl|cf-turnstile|challenges\.cloudflare\.com/i.test(body) ? "server: cloudflare with a challenge (cf-chl/turnstile)" : undefined),
    ],
  },
  {
    vendor: "AWS WAF",
    rules: [
      ({ body }) => matches(/awswaf|aws-waf-token|AwsWafIntegration|token\.awswaf\.com/i, body, "an AWS WAF captcha script (awswaf)"),
      ({ cookies }) => matches(/(?:^|[\s,;])aws-waf-token=/i, cookies, "an aws-waf-token cookie"),
    ],
  },
  {
    vendor: "DataDome",
    rules: [
      ({ header }) => (header("x-datadome") !== "" || header("x-datadome-cid") !== "" || /^[12]$/.test(header("x-dd-b")) ? "an x-datadome header" : undefined),
      ({ body }) => matches(/captcha-delivery\.com/i, body, "DataDome's captcha (captcha-delivery.com)"),
      ({ cookies }) => matches(/(?:^|[\s,;])datadome=/i, cookies, "a datadome cookie"),
    ],
  },
  {
    vendor: "PerimeterX (HUMAN)",
    rules: [
      ({ body }) => matches(/window\._pxAppId\s*=|_pxAppId|captcha\.px-cdn\.net|px-captcha/i, body, "a PerimeterX script (_pxAppId, px-captcha)"),
      ({ body }) => matches(/Press\s*(?:&amp;|&)\s*Hold/i, body, 'the "Press & Hold" challenge'),
      ({ cookies }) => matches(/(?:^|[\s,;])_px(?:3|hd|vid)?=/i, cookies, "a _px cookie"),
    ],
  },
  {
    vendor: "Imperva (Incapsula)",
    rules: [
      ({ header }) => (header("x-iinfo") !== "" ? "an x-iinfo header" : /incapsula/i.test(header("x-cdn")) ? "x-cdn: Incapsula" : undefined),
      ({ body }) => matches(/Incapsula\s+incident\s+ID|_Incapsula_Resource/i, body, "an Incapsula incident page"),
      ({ cookies }) => matches(/(?:^|[\s,;])(?:incap_ses_|visid_incap_)/i, cookies, "an incap_ses_ cookie"),
    ],
  },
  {
    vendor: "Akamai",
    rules: [
      ({ body }) => matches(/Reference\s*#\s*\d+\.[0-9a-f]+\.\d+\.[0-9a-f]+/i, body, 'an Akamai "Reference #" id'),
      ({ header, body }) => (/AkamaiGHost/i.test(header("server")) ? (/Access Denied/i.test(body) ? 'server: AkamaiGHost with "Access Denied"' : "server: AkamaiGHost") : undefined),
      ({ body }) => (/Access Denied/i.test(body) && /Reference\s*#/i.test(body) ? '"Access Denied" with a "Reference #"' : undefined),
    ],
  },
];

/** The bot protection that answered, or undefined when the response carries no sign of one. */
export function recogniseBotWall(response: BotWallResponse): BotWall | undefined {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(response.headers)) {
    const text = Array.isArray(value) ? value.map(String).join("\n") : value === undefined || value === null ? "" : String(value);
    headers.set(name.toLowerCase(), text);
  }
  const header = (name: string) => headers.get(name)?.trim() ?? "";

  // Headers only a challenge carries: on any status.
  if (header("cf-mitigated").toLowerCase() === "challenge") return { vendor: "Cloudflare", signal: "header cf-mitigated: challenge" };
  const waf = header("x-amzn-waf-action").toLowerCase();
  if (waf === "challenge" || waf === "captcha") return { vendor: "AWS WAF", signal: `header x-amzn-waf-action: ${waf}` };

  if (response.status < 400) return undefined;
  // Akamai writes its page with numeric entities ("Reference&#32;&#35;18&#46;…"): read them as characters.
  const body = response.body
    .slice(0, BODY_SCAN)
    .replace(/&#(\d{1,5});/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]{1,4});/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
  const input = { status: response.status, header, cookies: header("set-cookie"), body };
  for (const { vendor, rules } of REFUSAL_RULES) {
    for (const rule of rules) {
      const signal = rule(input);
      if (signal !== undefined) return { vendor, signal };
    }
  }
  return undefined;
}

/** The bot wall an error's context carries (set by the HTTP client), if any. */
export function botWallOf(context: Readonly<Record<string, unknown>>): BotWall | undefined {
  const wall = context.botWall;
  if (typeof wall !== "object" || wall === null) return undefined;
  const vendor = "vendor" in wall ? wall.vendor : undefined;
  const signal = "signal" in wall ? wall.signal : undefined;
  if (typeof vendor !== "string" || typeof signal !== "string") return undefined;
  const known = REFUSAL_RULES.map((entry) => entry.vendor).find((name) => name === vendor);
  return known ? { vendor: known, signal } : undefined;
}

/**
 * The official way in where a site has one, by the refused URL's host: the reader of the alert
 * should first know that a supported route exists.
 */
function officialRoute(host: string): string | undefined {
  const name = host.toLowerCase();
  if (/(?:^|\.)trustpilot\.com$/.test(name)) {
    return 'Trustpilot\'s official Business API for your own business unit (a plan with API access; Odzew uses it for replies, "businessApi", and reads reviews from the public page)';
  }
  if (name === "play.google.com") return 'the Google Play Developer API for your own app ("mode: developer-api" on the google-play source, with a service account)';
  if (/(?:^|\.)google\.[a-z.]+$|(?:^|\.)googleapis\.com$/.test(name)) {
    return 'Google\'s APIs (source types "google-places" with an API key, or "google-business" for your own Business Profile)';
  }
  if (/(?:^|\.)apple\.com$/.test(name)) return 'the App Store Connect API for your own app (source type "app-store-connect")';
  if (/(?:^|\.)allegro\.pl$/.test(name)) return 'Allegro\'s REST API for your own seller account (source type "allegro")';
  return undefined;
}

/**
 * The `BLOCKED` alert's message for a bot wall: who refused, how it was recognised, and what the
 * user can do (the official API where there is one, a later schedule, a proxy).
 */
export function botWallMessage(wall: BotWall, refusal: { status?: number | undefined; url?: string | undefined }): string {
  let host: string | undefined;
  try {
    host = refusal.url ? new URL(refusal.url).hostname : undefined;
  } catch {
    host = undefined;
  }
  const official = host ? officialRoute(host) : undefined;
  const status = refusal.status !== undefined ? `HTTP ${refusal.status}, ` : "";
  const options = [
    ...(official ? [`use ${official}`] : []),
    `poll less often (a later "schedule" on the source)`,
    `send this source's requests through a proxy ("network: { proxy: { urlEnv: NAME } }" on the source, the proxy's URL in that environment variable)`,
  ];
  return (
    `the site's bot protection (${wall.vendor}) refused the collector${host ? ` at ${host}` : ""} (${status}${wall.signal}); ` +
    `retrying the same way will not get through. What you can do: ${options.join("; or ")}`
  );
}
