import { z } from "zod";
import { SOURCE_TYPES } from "./mention.ts";
import { REPLY_TEXT_MAX, teamReplySettingsSchema } from "./replies.ts";

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
  /**
   * This source's requests go through a proxy: `urlEnv` names the environment variable holding
   * its URL, HTTPS_PROXY-style (`http://user:password@proxy.example:3128`); the URL and its
   * password never go in YAML and are never logged. HTTPS pages through a CONNECT tunnel (TLS
   * end to end, checked against the site's certificate), HTTP pages as absolute-form requests.
   */
  proxy: z.strictObject({ urlEnv: envName }).optional(),
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
  /** The site's (shop's) answer under the review; its line breaks (`<br>`, paragraphs) are kept. */
  reply: selector.optional(),
  /** When the answer was written; read only when `reply` finds one. */
  replyDate: selector.optional(),
});

export const htmlSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("html"),
  url: z.url({ protocol: /^https?$/, message: "an http(s) URL of the first page" }),
  /** ISO 639-1 code when every page of the site is in one language. */
  lang: z.string().min(2).max(8).optional(),
  selectors: htmlSelectorsSchema,
  /**
   * The site's own reply endpoint, when it has one (a shop's review system, the demo site): Odzew
   * then answers the site's reviews itself. `GET`/`PUT`/`DELETE` on `url` with `{id}` replaced by
   * the review's native id, `Authorization: Bearer` the token in the variable `tokenEnv`.
   */
  reply: z
    .strictObject({
      url: httpUrl("the reply endpoint with {id} for the review's id, e.g. https://shop.example/api/reviews/{id}/reply").refine(
        (url) => url.includes("{id}"),
        "the reply URL must contain {id} where the review's id goes, e.g. https://shop.example/api/reviews/{id}/reply",
      ),
      tokenEnv: envName,
      /** The site's longest reply, in characters. */
      maxLength: z.number().int().min(1).max(REPLY_TEXT_MAX).default(1000),
      canDelete: z.boolean().default(true),
    })
    .optional(),
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
 * Your own app's reviews through the App Store Connect API (customerReviews, with your
 * responses), authorised by a team API key: a JWT signed (ES256) with the key's .p8 file. The
 * key itself never goes in YAML: the issuer ID and key ID come from the environment, the .p8
 * from a file (its path, or the variable holding the path).
 */
export const appStoreConnectSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("app-store-connect"),
  appId: z.string().regex(/^\d+$/, "the app's numeric Apple ID, e.g. 1234567890 (App Store Connect → App Information → Apple ID)"),
  apiKey: z
    .strictObject({
      /** The variable holding the issuer ID (Users and Access → Integrations). */
      issuerIdEnv: envName.default("APP_STORE_CONNECT_ISSUER_ID"),
      /** The variable holding the key ID, e.g. 2X9R4HXF34. */
      keyIdEnv: envName.default("APP_STORE_CONNECT_KEY_ID"),
      /** The path of the key's AuthKey_….p8 file, or the name of the variable holding that path. */
      privateKeyFile: z
        .string()
        .min(1)
        .refine((value) => !/BEGIN|PRIVATE KEY|[\r\n]/.test(value), "the path of the AuthKey_….p8 file or the variable holding it, never the key itself: put the key in a file")
        .default("APP_STORE_CONNECT_KEY_FILE"),
    })
    .default({ issuerIdEnv: "APP_STORE_CONNECT_ISSUER_ID", keyIdEnv: "APP_STORE_CONNECT_KEY_ID", privateKeyFile: "APP_STORE_CONNECT_KEY_FILE" }),
  /** Answer reviews from Odzew through the API (the key's role must allow responding to reviews). */
  replies: z.boolean().default(true),
  baseUrl: httpUrl("the API host").default("https://api.appstoreconnect.apple.com"),
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
  /**
   * Trustpilot's business API, to answer reviews from Odzew (a business unit with API access):
   * the application's API key and secret by the names of their environment variables (the
   * documented client-credentials grant), and the business user the replies are signed by.
   * Without it, Trustpilot reviews are answered on Trustpilot and recorded here.
   */
  businessApi: z
    .strictObject({
      businessUnitId: z.string().regex(/^[A-Za-z0-9]{10,64}$/, "the business unit id (24 characters, e.g. 46d6a890000064000500e0c3), see Trustpilot's \"Find your Business Unit ID\""),
      apiKeyEnv: envName,
      apiSecretEnv: envName,
      /** The business user shown as the reply's author (Trustpilot Business → profile → User ID); not a secret. */
      authorBusinessUserId: z.string().regex(/^[A-Za-z0-9]{10,64}$/, "the business user's id from the Trustpilot Business profile page").optional(),
      baseUrl: httpUrl("the API host").default("https://api.trustpilot.com"),
      tokenUrl: httpUrl("the OAuth token endpoint").default("https://api.trustpilot.com/v1/oauth/oauth-business-users-for-applications/accesstoken"),
    })
    .optional(),
});

/**
 * An Allegro seller's ratings (`GET /sale/user-ratings` of the REST API, newest change first),
 * with the seller's answers; OAuth with the refresh token of the seller's account.
 */
export const allegroSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("allegro"),
  /**
   * The application's client id and secret and the seller's refresh token, by the names of their
   * environment variables. Allegro's refresh tokens are single-use (each refresh returns a new
   * one): `refreshTokenFile` is where Odzew keeps the newest, so that a restart and every Odzew
   * process (the collector and the responder) go on with it; give them all the same file.
   */
  oauth: z.strictObject({
    clientIdEnv: envName,
    clientSecretEnv: envName,
    refreshTokenEnv: envName,
    refreshTokenFile: z.string().min(1, "a file path, e.g. /var/lib/odzew/allegro-refresh-token").optional(),
  }),
  /** The seller's login, for links to the public ratings page (allegro.pl/uzytkownik/<login>/oceny). */
  sellerLogin: z.string().min(1).max(100).optional(),
  baseUrl: httpUrl("the API host (https://api.allegro.pl.allegrosandbox.pl for the sandbox)").default("https://api.allegro.pl"),
  tokenUrl: httpUrl("the OAuth token endpoint").default("https://allegro.pl/auth/oauth/token"),
});

/** Any RSS or Atom feed: news, blogs, forums. No ratings. */
export const feedSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("feed"),
  url: httpUrl("the feed"),
  lang: z.string().min(2).max(8).optional(),
});

/**
 * Reddit search through the OAuth API with an app-only token (client credentials): posts found
 * by `query` (Reddit's search syntax), Reddit-wide or in `subreddits`; with `subreddits`, also
 * the newest comments there that contain the query's words (the API has no comment search).
 */
export const redditSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("reddit"),
  query: z.string().trim().min(1, 'a search such as "Żuraw" OR "księgarnia Żuraw"').max(512, "Reddit accepts searches of at most 512 characters"),
  subreddits: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_]{1,20}$/, "a subreddit's name without r/, e.g. Polska"))
    .min(1)
    .max(50)
    .optional(),
  /** Read the newest comments of `subreddits` too (needs `subreddits`). */
  comments: z.boolean().default(true),
  clientIdEnv: envName.default("REDDIT_CLIENT_ID"),
  clientSecretEnv: envName.default("REDDIT_CLIENT_SECRET"),
  /** Reddit's required form: <platform>:<app ID>:<version> (by /u/<username>). */
  userAgent: z
    .string()
    .regex(/^[^:\s]+:[^:\s]+:[^:\s]+ \(by \/u\/[A-Za-z0-9_-]{3,20}\)$/, 'Reddit\'s form <platform>:<app ID>:<version> (by /u/<your Reddit username>), e.g. "server:pl.example.odzew:v1.0.0 (by /u/example)"'),
  baseUrl: httpUrl("the API host").default("https://oauth.reddit.com"),
  tokenUrl: httpUrl("the OAuth token endpoint").default("https://www.reddit.com/api/v1/access_token"),
});


/**
 * Bluesky posts that mention the brand, through `app.bsky.feed.searchPosts` (newest first).
 * `query` is one search as Bluesky reads it (phrases in quotes, `-word` to leave out,
 * `lang:`/`from:`); `terms` are searched one by one (Bluesky's query syntax has no documented OR).
 * Without `auth`, the public AppView: the first page (the newest `pageSize` posts) per poll only,
 * since it refuses `cursor` to anonymous callers; with `auth` (an app password), paging through
 * your account's PDS.
 */
export const blueskySourceSchema = z
  .strictObject({
    ...sourceBase,
    type: z.literal("bluesky"),
    query: z.string().trim().min(1, 'a search such as "Żuraw" or "księgarnia Żuraw" -dźwig').max(512, "at most 512 characters").optional(),
    terms: z.array(z.string().trim().min(1, "an alias such as Żuraw").max(200)).min(1).max(10, "at most 10 terms: each is one search per poll").optional(),
    /** Only posts whose author marked them as in this language (`record.langs`). */
    lang: lang.optional(),
    /** Never older than this (a date YYYY-MM-DD or an ISO datetime): bounds the first backfill. */
    since: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, "a date such as 2026-01-01 or an ISO datetime such as 2026-01-01T00:00:00Z")
      .optional(),
    /** Posts per request (the API's maximum is 100). */
    pageSize: z.number().int().min(1).max(100, "Bluesky returns at most 100 posts per request").default(100),
    /**
     * Sign in with an app password (Settings → Privacy and security → App passwords), by the names
     * of the variables holding the handle (or DID/email) and the app password; the search then goes
     * to `service` (your PDS) and can page.
     */
    auth: z
      .strictObject({
        identifierEnv: envName.default("BLUESKY_IDENTIFIER"),
        appPasswordEnv: envName.default("BLUESKY_APP_PASSWORD"),
        service: httpUrl("your PDS (https://bsky.social for accounts hosted by Bluesky)").default("https://bsky.social"),
      })
      .optional(),
    /** Where searchPosts is asked: by default the public AppView, or `auth.service` when signed in. */
    baseUrl: httpUrl("the AppView or PDS host, e.g. https://public.api.bsky.app").optional(),
  })
  .superRefine((source, ctx) => {
    if ((source.query === undefined) === (source.terms === undefined)) {
      ctx.addIssue({ code: "custom", path: ["query"], message: "give either query (one search) or terms (a list of aliases searched one by one), not both or neither" });
    }
  });

/**
 * Comments on YouTube through the Data API v3 with an API key: on every video of the brand's
 * channel (`channelId`, commentThreads.list allThreadsRelatedToChannelId) and/or on the newest
 * videos a search for the brand finds (`search`, search.list then commentThreads.list per video).
 * Quota-aware: a search costs 100 units and a page of comments 1; `dailyQuota` is what the key's
 * Google Cloud project may spend a day (10,000 by default), shared by the sources using that key.
 */
export const youtubeSourceSchema = z
  .strictObject({
    ...sourceBase,
    type: z.literal("youtube"),
    /** The brand's own channel: UC followed by 22 characters (YouTube Studio → Settings → Channel → Advanced settings). */
    channelId: z.string().regex(/^UC[A-Za-z0-9_-]{22}$/, "a channel id: UC followed by 22 letters, digits, - or _, e.g. UCxxxxxxxxxxxxxxxxxxxxxx").optional(),
    search: z
      .strictObject({
        /** What search.list is asked (`q`): YouTube's syntax, `|` for OR and `-` to leave a word out. */
        query: z.string().trim().min(1, 'a search such as "Żuraw" or Żuraw|zuraw -dźwig').max(500),
        /** The newest videos found per poll whose comments are read (search.list maxResults, at most 50). */
        maxVideos: z.number().int().min(1).max(50, "search.list returns at most 50 videos per request").default(10),
        /** Prefer videos in this language (relevanceLanguage). */
        lang: lang.optional(),
        /** Videos viewable in this country (regionCode). */
        country: country.optional(),
      })
      .optional(),
    apiKeyEnv: envName.default("YOUTUBE_API_KEY"),
    /** Quota units the key's project may spend a day; Google resets it at midnight Pacific time. */
    dailyQuota: z.number().int().min(1).max(100_000_000).default(10_000),
    baseUrl: httpUrl("the API host").default("https://www.googleapis.com"),
  })
  .superRefine((source, ctx) => {
    if (source.channelId === undefined && source.search === undefined) {
      ctx.addIssue({ code: "custom", path: ["channelId"], message: "give channelId (comments on your channel's videos), search (comments on videos found by a search), or both" });
    }
  });

/**
 * The brand's own Facebook Page through the Graph API with a Page access token: its ratings
 * (recommendations, `/{page-id}/ratings`) and the comments on its newest posts
 * (`/{page-id}/posts`, then `/{post-id}/comments` per post). Facebook removed the ratings edge
 * from Graph API v22.0 on: with a newer `apiVersion` only comments are read (the poll says so).
 */
export const facebookPageSourceSchema = z
  .strictObject({
    ...sourceBase,
    type: z.literal("facebook-page"),
    /** The Page's numeric id (Page → About → Page transparency, or Meta Business Suite → Settings → Page info). */
    pageId: z.string().regex(/^\d{5,25}$/, "the Page's numeric id, e.g. 104523871234567 (Page → About → Page transparency)"),
    /** The variable holding a Page access token (pages_read_engagement, pages_read_user_content). */
    accessTokenEnv: envName.default("FACEBOOK_PAGE_TOKEN"),
    /** Read the Page's ratings (recommendations). */
    ratings: z.boolean().default(true),
    /** Read the comments on the Page's newest posts. */
    comments: z.boolean().default(true),
    /** The newest posts whose comments are read per poll (one paging lane each). */
    maxPosts: z.number().int().min(1).max(100, "at most 100 posts per poll").default(25),
    /** The Graph API version in the path; ratings need v21.0 or older. */
    apiVersion: z.string().regex(/^v\d{1,2}\.0$/, "a Graph API version such as v21.0").default("v21.0"),
    baseUrl: httpUrl("the Graph API host").default("https://graph.facebook.com"),
  })
  .superRefine((source, ctx) => {
    if (!source.ratings && !source.comments) {
      ctx.addIssue({ code: "custom", path: ["ratings"], message: "turn on ratings, comments, or both: with neither the source reads nothing" });
    }
  });

/**
 * Posts on X found by the API v2 recent search (`GET /2/tweets/search/recent`, the last 7 days,
 * newest first) with an app's bearer token; needs a paid access level (the free one cannot search).
 */
export const xSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("x"),
  /** X's search syntax: "phrase", OR, -word, lang:pl, -is:retweet. */
  query: z
    .string()
    .trim()
    .min(1, 'a search such as "Żuraw" lang:pl -is:retweet')
    .max(4096, "X accepts searches of at most 512 characters (4,096 on Pro and higher plans)"),
  bearerTokenEnv: envName.default("X_BEARER_TOKEN"),
  /** Posts per request (X allows 10 to 100). */
  pageSize: z.number().int().min(10, "X returns at least 10 posts per request (max_results 10–100)").max(100, "X returns at most 100 posts per request").default(100),
  baseUrl: httpUrl("the API host").default("https://api.x.com"),
});

export const sourceConfigSchema = z.discriminatedUnion(
  "type",
  [
    appStoreSourceSchema,
    appStoreConnectSourceSchema,
    googlePlaySourceSchema,
    googleBusinessSourceSchema,
    googlePlacesSourceSchema,
    opineoSourceSchema,
    ceneoSourceSchema,
    trustpilotSourceSchema,
    allegroSourceSchema,
    feedSourceSchema,
    htmlSourceSchema,
    blueskySourceSchema,
    redditSourceSchema,
    youtubeSourceSchema,
    facebookPageSourceSchema,
    xSourceSchema,
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
export type AppStoreConnectSourceConfig = z.infer<typeof appStoreConnectSourceSchema>;
export type GooglePlaySourceConfig = z.infer<typeof googlePlaySourceSchema>;
export type GoogleBusinessSourceConfig = z.infer<typeof googleBusinessSourceSchema>;
export type GooglePlacesSourceConfig = z.infer<typeof googlePlacesSourceSchema>;
export type OpineoSourceConfig = z.infer<typeof opineoSourceSchema>;
export type CeneoSourceConfig = z.infer<typeof ceneoSourceSchema>;
export type TrustpilotSourceConfig = z.infer<typeof trustpilotSourceSchema>;
export type AllegroSourceConfig = z.infer<typeof allegroSourceSchema>;
export type FeedSourceConfig = z.infer<typeof feedSourceSchema>;
export type BlueskySourceConfig = z.infer<typeof blueskySourceSchema>;
export type RedditSourceConfig = z.infer<typeof redditSourceSchema>;
export type YoutubeSourceConfig = z.infer<typeof youtubeSourceSchema>;
export type FacebookPageSourceConfig = z.infer<typeof facebookPageSourceSchema>;
export type XSourceConfig = z.infer<typeof xSourceSchema>;
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
