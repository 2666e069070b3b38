import { OdzewError } from "@odzew/core";
import { MENTION_SCHEMA_VERSION, mentionId, type AppStoreConnectSourceConfig, type RawMention } from "@odzew/schema";
import { paginate, resolveUrl, type Page, type PollProblem, type SourceAdapter } from "./adapter.ts";
import { appStoreConnectToken, forgetAppStoreConnectToken, resolveApiKey } from "./app-store-connect-jwt.ts";
import type { FetchedPage, HttpClient, HttpMethod } from "./http-client.ts";
import { cleanText, normaliseRating } from "./text.ts";

const MAX_TEXT = 100_000;
/** The most customerReviews Apple returns per page. */
export const APP_STORE_CONNECT_PAGE_SIZE = 200;

/**
 * Your own app's reviews through the App Store Connect API, newest first, every territory in one
 * list (not the public feed's 500 per country), each with the developer response Apple holds:
 * `GET /v1/apps/{id}/customerReviews?sort=-createdDate&limit=200&include=response`, paged by the
 * JSON:API `links.next` (a `cursor` parameter). Every request carries a JWT of the team API key.
 */
export const appStoreConnectAdapter: SourceAdapter<AppStoreConnectSourceConfig> = {
  type: "app-store-connect",
  poll(source, context) {
    const first = reviewsUrl(source);
    const collectedAt = context.now.toISOString();
    return paginate(source, context, first, async (url): Promise<Page> => {
      let fetched: FetchedPage;
      try {
        fetched = await appStoreConnectRequest(source, context, "GET", url);
      } catch (error) {
        throw explainReadError(error, source);
      }
      return readReviewsPage(source, url, fetched.text, collectedAt);
    });
  },
};

/** The API host of a source, without a trailing slash. */
export function appStoreConnectBase(source: AppStoreConnectSourceConfig): string {
  return source.baseUrl.replace(/\/+$/, "");
}

function reviewsUrl(source: AppStoreConnectSourceConfig): string {
  const query = new URLSearchParams({
    sort: "-createdDate",
    limit: String(APP_STORE_CONNECT_PAGE_SIZE),
    include: "response",
    "fields[customerReviewResponses]": "responseBody,lastModifiedDate,state",
  });
  return `${appStoreConnectBase(source)}/v1/apps/${encodeURIComponent(source.appId)}/customerReviews?${query.toString()}`;
}

/** Where a reader sees the app's reviews: Apple has no page per review. */
function appReviewsUrl(source: AppStoreConnectSourceConfig, country: string | undefined): string {
  return `https://apps.apple.com/${country ?? "us"}/app/id${source.appId}?see-all=reviews`;
}

// ---------------------------------------------------------------------------------------------
// Authorised requests and Apple's error bodies (shared with the reply adapter)
// ---------------------------------------------------------------------------------------------

export interface AppStoreConnectCall {
  http: HttpClient;
  secret(name: string): string | undefined;
  signal?: AbortSignal;
}

/**
 * One request with the key's bearer token. A 401 with a cached token (revoked in between, a
 * clock that moved) is tried once more with a freshly signed one. Errors are the HTTP client's
 * (`SOURCE_HTTP` with `context.status` and the start of Apple's error body), or `CONFIG_INVALID`
 * when the key is not set up.
 */
export async function appStoreConnectRequest(
  source: AppStoreConnectSourceConfig,
  call: AppStoreConnectCall,
  method: HttpMethod,
  url: string,
  body?: unknown,
): Promise<FetchedPage> {
  const key = resolveApiKey(source.apiKey, (name) => call.secret(name));
  const attempt = async () => {
    const { token } = await appStoreConnectToken(key);
    return call.http.request(method, url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    });
  };
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof OdzewError) || error.context.status !== 401) throw error;
    forgetAppStoreConnectToken(key);
    return attempt();
  }
}

/** One entry of a JSON:API error body `{errors: [{status, code, title, detail}]}`. */
export interface AppleError {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
}

/**
 * The first error of Apple's error body. The HTTP client keeps only its first 300 characters, so
 * a cut-off body is read field by field.
 */
export function appleError(body: unknown): AppleError | undefined {
  if (typeof body !== "string" || body === "") return undefined;
  let whole: Record<string, unknown> | undefined;
  try {
    const json: unknown = JSON.parse(body);
    whole = isRecord(json) && Array.isArray(json.errors) ? json.errors.find(isRecord) : undefined;
  } catch {
    // cut off: read the fields one by one below
  }
  const field = (name: string): string | undefined => {
    if (whole) {
      const value = whole[name];
      return typeof value === "string" ? value : undefined;
    }
    const match = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"?`).exec(body)?.[1];
    return match === undefined ? undefined : match.replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  };
  const found: AppleError = {};
  for (const name of ["status", "code", "title", "detail"] as const) {
    const value = field(name);
    if (value !== undefined) found[name] = value;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

/** "NOT_AUTHORIZED: Authentication credentials are missing or invalid. Provide a …": Apple's words. */
export function appleErrorText(error: OdzewError): string | undefined {
  const parsed = appleError(error.context.body);
  if (!parsed) return undefined;
  const words = [parsed.title, parsed.detail].filter((part) => part !== undefined && part !== "").join(" ");
  if (parsed.code && words) return `${parsed.code}: ${words}`;
  return parsed.code ?? (words || undefined);
}

function explainReadError(error: unknown, source: AppStoreConnectSourceConfig): unknown {
  if (!(error instanceof OdzewError) || error.code !== "SOURCE_HTTP") return error;
  const status = error.context.status;
  if (typeof status !== "number") return error;
  const said = appleErrorText(error);
  const http = `HTTP ${status}${said ? `, ${said}` : ""}`;
  const options = { retryable: error.retryable, cause: error, context: error.context };
  switch (status) {
    case 401:
      return new OdzewError(
        "SOURCE_HTTP",
        `App Store Connect refused the API key of source "${source.id}" (${http}): the issuer ID (${source.apiKey.issuerIdEnv}), ` +
          `the key ID (${source.apiKey.keyIdEnv}) and the .p8 file (${source.apiKey.privateKeyFile}) must belong to one active key, ` +
          "and this machine's clock must be right (tokens carry the time)",
        { ...options, retryable: false },
      );
    case 403:
      return new OdzewError(
        "SOURCE_HTTP",
        `App Store Connect does not let this API key read the reviews of app ${source.appId} (${http}); ` +
          "give the key a role with access to the app in Users and Access → Integrations",
        { ...options, retryable: false },
      );
    case 404:
      return new OdzewError(
        "SOURCE_HTTP",
        `App Store Connect knows no app ${source.appId} for this API key (${http}); appId is the app's Apple ID (App Information → Apple ID)`,
        { ...options, retryable: false },
      );
    case 429:
      return new OdzewError("SOURCE_HTTP", `App Store Connect's hourly request limit for this API key is used up (${http}); polling resumes later`, {
        ...options,
        retryable: true,
      });
    default:
      return new OdzewError("SOURCE_HTTP", `App Store Connect answered the reviews of app ${source.appId} with ${http}`, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a page of customerReviews
// ---------------------------------------------------------------------------------------------

/** A customerReviewResponses resource as a mention's reply. */
interface IncludedResponse {
  text: string;
  lastModified?: string;
}

function readReviewsPage(source: AppStoreConnectSourceConfig, url: string, text: string, collectedAt: string): Page {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OdzewError("SOURCE_PARSE", `App Store Connect answered ${url} with something that is not JSON (starts with "${text.slice(0, 40).replace(/\s+/g, " ")}")`, {
      context: { url },
    });
  }
  if (!isRecord(json) || !Array.isArray(json.data)) {
    throw new OdzewError("SOURCE_PARSE", `App Store Connect's answer to ${url} has no "data" list of customerReviews; the API may have changed`, {
      context: { url },
    });
  }
  const responses = new Map<string, IncludedResponse>();
  for (const resource of Array.isArray(json.included) ? json.included : []) {
    if (!isRecord(resource) || resource.type !== "customerReviewResponses" || typeof resource.id !== "string") continue;
    const reply = readResponse(resource);
    if (reply) responses.set(resource.id, reply);
  }

  const page: Page = { url, mentions: [], problems: [] };
  json.data.forEach((resource: unknown, index: number) => {
    const parsed = readReview(resource, index, source, responses, collectedAt);
    if ("problem" in parsed) page.problems?.push({ page: url, reason: parsed.problem } satisfies PollProblem);
    else page.mentions.push(parsed);
  });

  const links = isRecord(json.links) ? json.links : {};
  const next = typeof links.next === "string" && links.next !== "" ? resolveUrl(links.next, url) : undefined;
  if (next !== undefined && new URL(next).origin !== new URL(appStoreConnectBase(source)).origin) {
    // The bearer token goes only to the configured API host.
    page.problems?.push({ page: url, reason: `links.next points to another host (${new URL(next).host}); paging stopped there` });
  } else {
    page.next = next;
  }
  return page;
}

function readResponse(resource: Record<string, unknown>): IncludedResponse | undefined {
  const attributes = isRecord(resource.attributes) ? resource.attributes : {};
  const text = typeof attributes.responseBody === "string" ? cleanText(attributes.responseBody) : "";
  if (!text) return undefined;
  const lastModified = isoDate(attributes.lastModifiedDate);
  return { text: text.slice(0, MAX_TEXT), ...(lastModified ? { lastModified } : {}) };
}

function readReview(
  resource: unknown,
  index: number,
  source: AppStoreConnectSourceConfig,
  responses: ReadonlyMap<string, IncludedResponse>,
  collectedAt: string,
): RawMention | { problem: string } {
  if (!isRecord(resource) || typeof resource.id !== "string" || resource.id === "") return { problem: `customerReviews item #${index + 1} has no id` };
  const nativeId = resource.id;
  if (resource.type !== "customerReviews") return { problem: `item ${nativeId} is a ${String(resource.type)}, not a customerReviews resource` };
  const attributes = isRecord(resource.attributes) ? resource.attributes : {};
  const publishedAt = isoDate(attributes.createdDate);
  if (!publishedAt) return { problem: `review ${nativeId} has no readable createdDate ("${String(attributes.createdDate ?? "")}")` };
  const body = typeof attributes.body === "string" ? cleanText(attributes.body) : "";
  const title = typeof attributes.title === "string" ? cleanText(attributes.title) : "";
  if (!body && !title) return { problem: `review ${nativeId} has neither a body nor a title` };

  const ratingValue = attributes.rating;
  const rating = typeof ratingValue === "number" && Number.isInteger(ratingValue) ? normaliseRating(ratingValue, 1, 5) : undefined;
  const nickname = typeof attributes.reviewerNickname === "string" ? cleanText(attributes.reviewerNickname) : "";
  const country = typeof attributes.territory === "string" ? territoryCountry(attributes.territory) : undefined;

  const relationships = isRecord(resource.relationships) ? resource.relationships : {};
  const linkage = isRecord(relationships.response) && isRecord(relationships.response.data) ? relationships.response.data : undefined;
  const reply = linkage && typeof linkage.id === "string" ? responses.get(linkage.id) : undefined;

  return {
    schemaVersion: MENTION_SCHEMA_VERSION,
    id: mentionId(source.id, nativeId),
    source: { id: source.id, type: "app-store-connect" },
    nativeId,
    url: appReviewsUrl(source, country),
    ...(nickname ? { author: { name: nickname.slice(0, 500) } } : {}),
    ...(body && title ? { title: title.slice(0, 2_000) } : {}),
    text: (body || title).slice(0, MAX_TEXT),
    ...(rating ? { rating } : {}),
    publishedAt,
    collectedAt,
    // Apple's state (PUBLISHED or PENDING_PUBLISH) is not kept: this is the response Apple holds.
    ...(reply ? { reply: { text: reply.text, ...(reply.lastModified ? { publishedAt: reply.lastModified } : {}) } } : {}),
    ...(country ? { details: { country } } : {}),
    brandHints: source.brands,
  };
}

/**
 * Apple's territory codes (ISO 3166-1 alpha-3, the App Store's storefronts) as the lowercase
 * alpha-2 code Odzew keeps in `details.country`; undefined for a code not in the list.
 */
export function territoryCountry(territory: string): string | undefined {
  return TERRITORIES.get(territory.toUpperCase());
}

const TERRITORIES: ReadonlyMap<string, string> = pairsOf(
  "ABW aw AFG af AGO ao AIA ai ALB al AND ad ANT an ARE ae ARG ar ARM am ASM as ATG ag AUS au AUT at AZE az BDI bi BEL be " +
    "BEN bj BES bq BFA bf BGD bd BGR bg BHR bh BHS bs BIH ba BLR by BLZ bz BMU bm BOL bo BRA br BRB bb BRN bn BTN bt BWA bw " +
    "CAF cf CAN ca CHE ch CHL cl CHN cn CIV ci CMR cm COD cd COG cg COK ck COL co COM km CPV cv CRI cr CUB cu CUW cw CXR cx " +
    "CYM ky CYP cy CZE cz DEU de DJI dj DMA dm DNK dk DOM do DZA dz ECU ec EGY eg ERI er ESP es EST ee ETH et FIN fi FJI fj " +
    "FLK fk FRA fr FRO fo FSM fm GAB ga GBR gb GEO ge GGY gg GHA gh GIB gi GIN gn GLP gp GMB gm GNB gw GNQ gq GRC gr GRD gd " +
    "GRL gl GTM gt GUF gf GUM gu GUY gy HKG hk HND hn HRV hr HTI ht HUN hu IDN id IMN im IND in IRL ie IRQ iq ISL is ISR il " +
    "ITA it JAM jm JEY je JOR jo JPN jp KAZ kz KEN ke KGZ kg KHM kh KIR ki KNA kn KOR kr KWT kw LAO la LBN lb LBR lr LBY ly " +
    "LCA lc LIE li LKA lk LSO ls LTU lt LUX lu LVA lv MAC mo MAR ma MCO mc MDA md MDG mg MDV mv MEX mx MHL mh MKD mk MLI ml " +
    "MLT mt MMR mm MNE me MNG mn MNP mp MOZ mz MRT mr MSR ms MTQ mq MUS mu MWI mw MYS my MYT yt NAM na NCL nc NER ne NFK nf " +
    "NGA ng NIC ni NIU nu NLD nl NOR no NPL np NRU nr NZL nz OMN om PAK pk PAN pa PER pe PHL ph PLW pw PNG pg POL pl PRI pr " +
    "PRT pt PRY py PSE ps PYF pf QAT qa REU re ROU ro RUS ru RWA rw SAU sa SEN sn SGP sg SHN sh SLB sb SLE sl SLV sv SMR sm " +
    "SOM so SPM pm SRB rs SSD ss STP st SUR sr SVK sk SVN si SWE se SWZ sz SXM sx SYC sc TCA tc TCD td TGO tg THA th TJK tj " +
    "TKM tm TLS tl TON to TTO tt TUN tn TUR tr TUV tv TWN tw TZA tz UGA ug UKR ua UMI um URY uy USA us UZB uz VAT va VCT vc " +
    "VEN ve VGB vg VIR vi VNM vn VUT vu WLF wf WSM ws XKS xk YEM ye ZAF za ZMB zm ZWE zw",
);

/** "ABW aw AFG af" → a map ABW→aw, AFG→af. */
function pairsOf(words: string): ReadonlyMap<string, string> {
  const list = words.split(" ");
  const pairs = new Map<string, string>();
  for (let index = 0; index + 1 < list.length; index += 2) pairs.set(list[index] ?? "", list[index + 1] ?? "");
  return pairs;
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
