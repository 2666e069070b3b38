import { z } from "zod";
import { SOURCE_TYPES } from "./mention.ts";
import { teamReplySettingsSchema } from "./replies.ts";

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lowercase letters, digits and dashes (e.g. my-brand), at most 63 characters");

// ---------------------------------------------------------------------------------------------
// brands.yaml
// ---------------------------------------------------------------------------------------------
export const brandSchema = z.strictObject({
  id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).min(1, "list at least one alias, e.g. the brand name itself"),
  context: z.array(z.string().min(1)).optional(),
  exclude: z.array(z.string().min(1)).optional(),
});
export const brandsFileSchema = z.strictObject({
  brands: z.array(brandSchema).superRefine(uniqueIds("brand")),
});
export type BrandConfig = z.infer<typeof brandSchema>;
export type BrandsFile = z.infer<typeof brandsFileSchema>;

// ---------------------------------------------------------------------------------------------
// sources.yaml
// ---------------------------------------------------------------------------------------------

/** `css selector` for an element's text, `css selector@attribute` for an attribute, `@attribute` on the item itself. */
const selector = z
  .string()
  .min(1)
  .regex(/^[^@]*(@[a-zA-Z_:][-a-zA-Z0-9_:.]*)?$/, 'a CSS selector, optionally followed by "@attribute"');

const cronExpression = z
  .string()
  .regex(
    /^\s*(\S+\s+){4,5}\S+\s*$/,
    'a cron expression with 5 or 6 fields, e.g. "*/15 * * * *" (every 15 minutes) or "*/30 * * * * *" (every 30 seconds)',
  );

const sourceLimits = z
  .strictObject({
    /** Pages one regular poll may read; it stops earlier at the first review it has seen. */
    maxPages: z.number().int().min(1).max(1000).default(10),
    /** Pages the first poll (and `odzew backfill`) may read to catch up on history. */
    backfillPages: z.number().int().min(1).max(10_000).default(20),
    maxItemsPerPoll: z.number().int().min(1).max(100_000).default(1000),
  })
  .default({ maxPages: 10, backfillPages: 20, maxItemsPerPoll: 1000 });

const httpUrl = (what: string) => z.url({ protocol: /^https?$/, message: `an http(s) URL: ${what}` });
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "the name of an environment variable, e.g. GOOGLE_API_KEY");
const lang = z.string().regex(/^[a-z]{2}$/, "an ISO 639-1 code such as pl or en");
const country = z.string().regex(/^[a-z]{2}$/, "a two-letter country code in lowercase, such as pl");

/**
 * Which private addresses a source may reach. By default none: a source URL, a redirect or a
 * next-page link that leads to loopback, a private range, link-local (cloud metadata) or
 * CGNAT is refused. `allowPrivate: true` allows any for this source; a list allows only the
 * addresses of those host names (as written in the URLs), e.g. `["reviews.intranet", "127.0.0.1"]`.
 */
const sourceNetwork = z.strictObject({
  allowPrivate: z
    .union([z.boolean(), z.array(z.string().min(1, "a host name such as reviews.intranet or 10.0.0.5")).min(1)], {
      error: "true, false, or a list of host names that may resolve to private addresses",
    })
    .default(false),
});

const sourceBase = {
  id,
  brands: z.array(id).default([]),
  schedule: cronExpression,
  enabled: z.boolean().default(true),
  limits: sourceLimits,
  network: sourceNetwork.optional(),
};

export const htmlSelectorsSchema = z.strictObject({
  item: selector,
  id: selector,
  text: selector,
  title: selector.optional(),
  author: selector.optional(),
  /** Required: a review's date keeps its id in one time-based index, however often it is collected. */
  date: selector,
  rating: selector.optional(),
  ratingScale: z.tuple([z.number(), z.number()]).default([1, 5]),
  link: selector.optional(),
  nextPage: selector.optional(),
});

export const htmlSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("html"),
  url: z.url({ protocol: /^https?$/, message: "an http(s) URL of the first page" }),
  /** ISO 639-1 code when every page of the site is in one language. */
  lang: z.string().min(2).max(8).optional(),
  selectors: htmlSelectorsSchema,
});

/** Apple's public customer-reviews feed (JSON), newest first, 50 a page, at most 10 pages per country. */
export const appStoreSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("app-store"),
  appId: z.string().regex(/^\d+$/, "the numeric App Store id, e.g. 1234567890 from apps.apple.com/pl/app/…/id1234567890"),
  countries: z.array(country).min(1).default(["pl"]),
  baseUrl: httpUrl("the feed host").default("https://itunes.apple.com"),
});

/**
 * Google Play. `developer-api`: your own app through the Play Developer API (reviews.list, with
 * the developer's reply; a service-account key file). `public`: any app's public reviews.
 */
export const googlePlaySourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("google-play"),
  appId: z.string().regex(/^[a-zA-Z][\w]*(\.[a-zA-Z][\w]*)+$/, "the package name, e.g. pl.example.app"),
  mode: z.enum(["public", "developer-api"]).default("public"),
  lang: lang.default("pl"),
  country: country.default("pl"),
  /** developer-api: path of the service account's JSON key, or the variable holding that path. */
  serviceAccountKeyFile: z.string().min(1).optional(),
  baseUrl: httpUrl("the Play host or the Developer API host").optional(),
  tokenUrl: httpUrl("the OAuth token endpoint").default("https://oauth2.googleapis.com/token"),
}).superRefine((source, ctx) => {
  if (source.mode === "developer-api" && !source.serviceAccountKeyFile) {
    ctx.addIssue({
      code: "custom",
      path: ["serviceAccountKeyFile"],
      message: "mode developer-api needs the service account's JSON key: a file path, or the variable holding it",
    });
  }
});

/** Your own locations through the Business Profile API: all reviews and your replies (OAuth). */
export const googleBusinessSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("google-business"),
  accountId: z.string().regex(/^\d+$/, "the numeric account id"),
  locationId: z.string().regex(/^\d+$/, "the numeric location id"),
  /** OAuth client and refresh token of a user who manages the location, from the environment. */
  oauth: z.strictObject({ clientIdEnv: envName, clientSecretEnv: envName, refreshTokenEnv: envName }),
  baseUrl: httpUrl("the API host").default("https://mybusiness.googleapis.com"),
  tokenUrl: httpUrl("the OAuth token endpoint").default("https://oauth2.googleapis.com/token"),
});

/** Any place through the Places API. Google returns at most 5 reviews per place. */
export const googlePlacesSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("google-places"),
  placeId: z.string().min(10, "a Place ID such as ChIJ…"),
  apiKeyEnv: envName.default("GOOGLE_PLACES_API_KEY"),
  lang: lang.default("pl"),
  baseUrl: httpUrl("the API host").default("https://places.googleapis.com"),
});

/** A shop's review page on Opineo.pl. */
export const opineoSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("opineo"),
  url: httpUrl("the shop's review page, e.g. https://www.opineo.pl/opinie/sklep-example-pl"),
});

/** A shop's or product's review page on Ceneo.pl. */
export const ceneoSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("ceneo"),
  url: httpUrl("the review page, e.g. https://www.ceneo.pl/12345678#tab=reviews or a shop's opinions page"),
});

/** A company's page on Trustpilot (its embedded JSON data). */
export const trustpilotSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("trustpilot"),
  url: httpUrl("the company's review page, e.g. https://pl.trustpilot.com/review/example.pl"),
});

/** Any RSS or Atom feed: news, blogs, forums. No ratings. */
export const feedSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("feed"),
  url: httpUrl("the feed"),
  lang: z.string().min(2).max(8).optional(),
});


export const sourceConfigSchema = z.discriminatedUnion(
  "type",
  [
    appStoreSourceSchema,
    googlePlaySourceSchema,
    googleBusinessSourceSchema,
    googlePlacesSourceSchema,
    opineoSourceSchema,
    ceneoSourceSchema,
    trustpilotSourceSchema,
    feedSourceSchema,
    htmlSourceSchema,
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? `unknown source type; supported types: ${SOURCE_TYPES.map((type) => `"${type}"`).join(", ")}`
        : undefined,
  },
);
export const sourcesFileSchema = z.strictObject({
  sources: z.array(sourceConfigSchema).superRefine(uniqueIds("source")),
});
export type HtmlSourceConfig = z.infer<typeof htmlSourceSchema>;
export type AppStoreSourceConfig = z.infer<typeof appStoreSourceSchema>;
export type GooglePlaySourceConfig = z.infer<typeof googlePlaySourceSchema>;
export type GoogleBusinessSourceConfig = z.infer<typeof googleBusinessSourceSchema>;
export type GooglePlacesSourceConfig = z.infer<typeof googlePlacesSourceSchema>;
export type OpineoSourceConfig = z.infer<typeof opineoSourceSchema>;
export type CeneoSourceConfig = z.infer<typeof ceneoSourceSchema>;
export type TrustpilotSourceConfig = z.infer<typeof trustpilotSourceSchema>;
export type FeedSourceConfig = z.infer<typeof feedSourceSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SourcesFile = z.infer<typeof sourcesFileSchema>;

// ---------------------------------------------------------------------------------------------
// teams.yaml
// ---------------------------------------------------------------------------------------------
export const apiKeySchema = z.union([
  z.strictObject({
    sha256: z.string().regex(/^[a-f0-9]{64}$/, "the SHA-256 of the key as 64 lowercase hex characters"),
  }),
  z.strictObject({
    env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "the name of an environment variable holding the key"),
  }),
]);

export const sliceSchema = z
  .strictObject({
    brands: z.array(id).optional(),
    sources: z.array(id).optional(),
    languages: z.array(z.string().min(2).max(8)).optional(),
    sentiment: z.array(z.enum(["negative", "neutral", "positive"])).optional(),
    /** Only mentions published in this window, e.g. "90d"; days only. */
    window: z.string().regex(/^\d+d$/, 'a number of days, e.g. "90d"').optional(),
  })
  .default({});

/** What a team may do beyond searching its slice. */
export const TEAM_ACTIONS = ["workflow", "sample", "export", "alerts", "reply", "approve"] as const;
export const teamActionSchema = z.enum(TEAM_ACTIONS);
export type TeamAction = z.infer<typeof teamActionSchema>;

/** Fields a team may be denied on top of its view (see `view`). */
export const HIDEABLE_FIELDS = ["url", "reply", "reach", "details", "rating", "priority", "workflow", "author"] as const;

export const teamSchema = z.strictObject({
  id,
  name: z.string().min(1),
  keys: z.array(apiKeySchema).min(1, "give the team at least one API key (sha256 or env)"),
  slice: sliceSchema,
  /**
   * `full`: everything the pipeline knows, author and original text included (customer service
   * must answer people). `pseudonymous`: no author name, profile, link or reply; title and text
   * with personal data masked; the author only as a keyed pseudonym (CX).
   */
  view: z.enum(["full", "pseudonymous"]).default("pseudonymous"),
  /** Fields this team does not see even within its view. */
  hide: z.array(z.enum(HIDEABLE_FIELDS)).default([]),
  /** Actions beyond search: workflow (the service queue), sample, export, alerts. */
  actions: z.array(teamActionSchema).default([]),
  /** Answering from Odzew: approval by a second person, automatic sending by rules, the SLA. */
  replies: teamReplySettingsSchema,
}).superRefine((team, ctx) => {
  if (team.view === "pseudonymous") {
    for (const action of ["reply", "approve"] as const) {
      if (team.actions.includes(action)) {
        ctx.addIssue({
          code: "custom",
          path: ["actions", team.actions.indexOf(action)],
          message: `a pseudonymous team cannot ${action === "reply" ? "reply to" : "approve replies to"} reviews (it does not see who wrote them); give "${action}" to a team with view: full`,
        });
      }
    }
  }
});
export const teamsFileSchema = z.strictObject({
  teams: z.array(teamSchema).min(1).superRefine(uniqueIds("team")),
});
export type TeamConfig = z.infer<typeof teamSchema>;
export type TeamSlice = z.infer<typeof sliceSchema>;
export type TeamView = TeamConfig["view"];
export type TeamsFile = z.infer<typeof teamsFileSchema>;

function uniqueIds(what: string) {
  return (items: { id: string }[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const first = seen.get(item.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [index, "id"],
          message: `duplicate ${what} id "${item.id}" (first used at index ${first}); ids must be unique`,
        });
      } else {
        seen.set(item.id, index);
      }
    });
  };
}
