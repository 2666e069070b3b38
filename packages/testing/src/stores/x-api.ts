import { startFixtureServer, type FixtureHandler } from "../http-fixture.ts";

/**
 * A local X API v2 recent search for tests, in the documented shapes
 * (https://docs.x.com/x-api/posts/search/quickstart/recent-search,
 * https://docs.x.com/x-api/fundamentals/response-codes-and-errors, https://docs.x.com/fundamentals/rate-limits):
 * `GET /2/tweets/search/recent` with `Authorization: Bearer`, `query`, `max_results` (10–100),
 * `next_token`, `since_id`, `tweet.fields`, `expansions=author_id`, `user.fields` →
 * `{data: [{id, text, edit_history_tweet_ids, created_at?, author_id?, lang?, public_metrics?}],
 * includes: {users}, errors?, meta: {newest_id, oldest_id, result_count, next_token?}}`, newest
 * first; only the fields asked for are given. Every post seeded matches (the query is logged in
 * `requests`, not interpreted). Every answer carries `x-rate-limit-limit/remaining/reset`.
 * Errors are problems `{title, detail, type, status}`. `revoke()` refuses the token (401),
 * `failNext(fault)` scripts the next call's failure, `suspendUser(id)` leaves a user out of
 * `includes` with a partial error, as X does for a suspended author.
 */
export interface XPostSeed {
  id: string;
  text: string;
  createdAt: string;
  authorId: string;
  lang?: string;
  metrics?: { retweet_count: number; reply_count: number; like_count: number; quote_count: number; bookmark_count?: number; impression_count?: number };
  noteText?: string;
}

export interface XUserSeed {
  id: string;
  name: string;
  username: string;
  followers: number;
}

export type XFault =
  /** 429 with x-rate-limit-remaining 0 and the window's reset. */
  | "rate-limit"
  /** 429 UsageCapExceeded: the plan's monthly post cap. */
  | "usage-cap"
  /** 403 client-not-enrolled: an access level without search. */
  | "not-enrolled"
  /** 503. */
  | "server-error";

export interface XApiOptions {
  bearerToken: string;
  posts?: XPostSeed[];
  users?: XUserSeed[];
  serve?: (handler: FixtureHandler) => ReturnType<typeof startFixtureServer>;
  /** The server's clock, for `x-rate-limit-reset` (default: the real one, which the client measures the wait against). */
  now?: () => Date;
}

export type XApi = Awaited<ReturnType<typeof startXApi>>;

const RATE_LIMIT = 450;

export async function startXApi(options: XApiOptions) {
  const posts = [...(options.posts ?? [])];
  const users = new Map((options.users ?? []).map((user) => [user.id, user]));
  const suspended = new Set<string>();
  const faults: XFault[] = [];
  let revoked = false;
  let remaining = RATE_LIMIT;
  const now = options.now ?? (() => new Date());
  const serve = options.serve ?? startFixtureServer;

  const handler: FixtureHandler = (request, response) => {
    const url = new URL(request.path, "http://x.test");
    // The window resets 15 minutes from the server's clock.
    const reset = String(Math.floor(now().getTime() / 1000) + 15 * 60);
    const send = (status: number, json: unknown) => {
      response
        .writeHead(status, {
          "content-type": "application/json; charset=utf-8",
          "x-rate-limit-limit": String(RATE_LIMIT),
          "x-rate-limit-remaining": String(Math.max(0, remaining)),
          "x-rate-limit-reset": reset,
        })
        .end(JSON.stringify(json));
    };
    const problem = (status: number, title: string, detail: string, type = "about:blank", extra: Record<string, unknown> = {}) => send(status, { title, detail, type, status, ...extra });

    if (request.headers.authorization !== `Bearer ${options.bearerToken}` || revoked) return problem(401, "Unauthorized", "Unauthorized");
    if (request.method !== "GET" || url.pathname !== "/2/tweets/search/recent") return problem(404, "Not Found Error", `${url.pathname} not found`);
    const fault = faults.shift();
    if (fault === "rate-limit") {
      remaining = 0;
      return problem(429, "Too Many Requests", "Too Many Requests");
    }
    if (fault === "usage-cap") return problem(429, "UsageCapExceeded", "Usage cap exceeded: Monthly product cap", "https://api.x.com/2/problems/usage-capped", { period: "Monthly", scope: "Product" });
    if (fault === "not-enrolled") {
      return problem(
        403,
        "Client Forbidden",
        "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
        "https://api.twitter.com/2/problems/client-forbidden",
        { reason: "client-not-enrolled", registration_url: "https://developer.twitter.com/en/docs/projects/overview", required_enrollment: "Appropriate Level of API Access" },
      );
    }
    if (fault === "server-error") return problem(503, "Service Unavailable", "Service Unavailable");
    remaining -= 1;

    const query = url.searchParams.get("query") ?? "";
    const max = Number(url.searchParams.get("max_results") ?? 10);
    const invalid = (message: string, parameter: string) =>
      send(400, {
        errors: [{ parameters: { [parameter]: [url.searchParams.get(parameter) ?? ""] }, message }],
        title: "Invalid Request",
        detail: "One or more parameters to your request was invalid.",
        type: "https://api.twitter.com/2/problems/invalid-request",
      });
    if (query.trim() === "") return invalid("The `query` query parameter can not be empty", "query");
    if (query.length > 512) return invalid(`The \`query\` param is invalid. Queries must be no longer than 512 characters.`, "query");
    if (!Number.isInteger(max) || max < 10 || max > 100) return invalid(`The \`max_results\` query parameter value [${url.searchParams.get("max_results") ?? ""}] is not between 10 and 100`, "max_results");

    const sinceId = url.searchParams.get("since_id");
    const newestFirst = posts
      .filter((post) => sinceId === null || BigInt(post.id) > BigInt(sinceId))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0));
    const token = url.searchParams.get("next_token");
    const start = token ? Number(Buffer.from(token, "base64url").toString("utf8").replace(/^p/, "")) || 0 : 0;
    const page = newestFirst.slice(start, start + max);
    const tweetFields = new Set((url.searchParams.get("tweet.fields") ?? "").split(","));
    const userFields = new Set((url.searchParams.get("user.fields") ?? "").split(","));
    const expand = (url.searchParams.get("expansions") ?? "").split(",").includes("author_id");

    const data = page.map((post) => ({
      id: post.id,
      text: post.noteText ? `${post.noteText.slice(0, 270)}… https://t.co/abc` : post.text,
      edit_history_tweet_ids: [post.id],
      ...(tweetFields.has("created_at") ? { created_at: post.createdAt } : {}),
      ...(tweetFields.has("author_id") || expand ? { author_id: post.authorId } : {}),
      ...(tweetFields.has("lang") ? { lang: post.lang ?? "und" } : {}),
      ...(tweetFields.has("public_metrics") ? { public_metrics: { bookmark_count: 0, impression_count: 0, ...(post.metrics ?? { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0 }) } } : {}),
      ...(tweetFields.has("note_tweet") && post.noteText ? { note_tweet: { text: post.noteText } } : {}),
    }));
    const authors = [...new Set(page.map((post) => post.authorId))];
    const included = authors.flatMap((id) => {
      const user = users.get(id);
      if (!user || suspended.has(id)) return [];
      return [{ id: user.id, name: user.name, username: user.username, ...(userFields.has("public_metrics") ? { public_metrics: { followers_count: user.followers, following_count: 10, tweet_count: 100, listed_count: 1, like_count: 5 } } : {}) }];
    });
    const errors = expand
      ? authors
          .filter((id) => suspended.has(id))
          .map((id) => ({
            value: id,
            detail: `User has been suspended: [${id}].`,
            title: "Forbidden",
            resource_type: "user",
            parameter: "author_id",
            resource_id: id,
            type: "https://api.twitter.com/2/problems/resource-not-found",
          }))
      : [];
    const more = start + page.length < newestFirst.length;
    const meta = {
      ...(page.length > 0 ? { newest_id: page[0]?.id, oldest_id: page.at(-1)?.id } : {}),
      result_count: page.length,
      ...(more ? { next_token: Buffer.from(`p${start + page.length}`).toString("base64url") } : {}),
    };
    return send(200, {
      ...(page.length > 0 ? { data } : {}),
      ...(expand && included.length > 0 ? { includes: { users: included } } : {}),
      ...(errors.length > 0 ? { errors } : {}),
      meta,
    });
  };

  const server = await serve(handler);
  return {
    url: server.url,
    requests: server.requests,
    close: () => server.close(),
    /** The bearer token was regenerated: 401 from now on. */
    revoke(): void {
      revoked = true;
    },
    failNext(fault: XFault): void {
      faults.push(fault);
    },
    /** The author's account is suspended: left out of includes, with a partial error. */
    suspendUser(id: string): void {
      suspended.add(id);
    },
    addPost(post: XPostSeed): void {
      posts.push(post);
    },
  };
}
