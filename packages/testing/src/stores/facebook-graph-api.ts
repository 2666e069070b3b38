import { startFixtureServer, type FixtureHandler, type FixtureRequest } from "../http-fixture.ts";

/**
 * A local Facebook Graph API for tests, in the documented shapes
 * (https://developers.facebook.com/docs/graph-api/results/,
 * https://developers.facebook.com/docs/graph-api/guides/error-handling):
 * - `GET /{version}/{page-id}/ratings` → `{data: [{created_time, recommendation_type, review_text,
 *   reviewer, open_graph_story: {id}}], paging}`, newest first; from v22.0 on error code 12;
 * - `GET /{version}/{page-id}/posts` → the Page's posts, newest first;
 * - `GET /{version}/{post-id}/comments` → the post's top-level comments, oldest first unless
 *   `order=reverse_chronological` (Facebook's default is chronological), each with its replies
 *   as a nested `comments` list when `fields` asks for them.
 * Lists are paged by `limit` (default 25) with `paging.cursors.{before, after}` and a
 * `paging.next` that carries `access_token` in its query, as Facebook's do. Times are written
 * `2026-11-25T09:41:17+0000`. The token is taken from `Authorization: Bearer|OAuth` or the
 * `access_token` parameter. Errors are `{"error": {message, type, code, error_subcode, fbtrace_id}}`
 * with HTTP 400 (as Facebook answers most of them). `revoke()` makes the token invalid (code 190,
 * subcode 460); `failNext(fault)` scripts the next call's failure; `deletePost(id)` makes a post
 * unknown (code 100, subcode 33).
 */
export interface FacebookRatingSeed {
  storyId: string;
  createdTime: string;
  recommendation: "positive" | "negative";
  text?: string;
  reviewer?: { id: string; name: string };
}

export interface FacebookCommentSeed {
  id: string;
  createdTime: string;
  message: string;
  from?: { id: string; name: string };
  likeCount?: number;
  replies?: Array<{ id: string; createdTime: string; message: string; from: { id: string; name: string } }>;
}

export interface FacebookPostSeed {
  id: string;
  createdTime: string;
  message: string;
  comments: FacebookCommentSeed[];
}

export type FacebookFault =
  /** HTTP 400, code 4: the app's request limit. */
  | { kind: "rate-limit"; code?: 4 | 17 | 32 | 613 }
  /** HTTP 500, code 1. */
  | { kind: "server-error" }
  /** HTTP 400, code 10: a permission missing. */
  | { kind: "permission" };

export interface FacebookGraphApiOptions {
  pageId: string;
  pageName?: string;
  token: string;
  ratings?: FacebookRatingSeed[];
  posts?: FacebookPostSeed[];
  serve?: (handler: FixtureHandler) => ReturnType<typeof startFixtureServer>;
}

export type FacebookGraphApi = Awaited<ReturnType<typeof startFacebookGraphApi>>;

export async function startFacebookGraphApi(options: FacebookGraphApiOptions) {
  const ratings = [...(options.ratings ?? [])];
  const posts = [...(options.posts ?? [])];
  const deleted = new Set<string>();
  const faults: FacebookFault[] = [];
  let revoked = false;
  let trace = 0;
  const pageName = options.pageName ?? "Księgarnia Żuraw";
  const serve = options.serve ?? startFixtureServer;

  const handler: FixtureHandler = (request, response) => {
    const url = new URL(request.path, "http://graph.test");
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json; charset=UTF-8", "x-fb-trace-id": `trace${trace}` }).end(JSON.stringify(json));
    };
    const error = (status: number, code: number, message: string, type = "OAuthException", subcode?: number) => {
      trace += 1;
      send(status, { error: { message, type, code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: `A${trace}bcDEfgHI` } });
    };

    const token = tokenOf(request, url);
    if (!token) return error(400, 2500, "An active access token must be used to query information about the current user.");
    if (token !== options.token || revoked) {
      return error(400, 190, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.", "OAuthException", 460);
    }
    const fault = faults.shift();
    if (fault?.kind === "rate-limit") {
      const code = fault.code ?? 4;
      const message = code === 32 ? "(#32) Page request limit reached" : code === 17 ? "(#17) User request limit reached" : code === 613 ? "(#613) Calls to this api have exceeded the rate limit." : "(#4) Application request limit reached";
      return error(code === 4 ? 403 : 400, code, message);
    }
    if (fault?.kind === "server-error") return error(500, 1, "An unknown error has occurred.");
    if (fault?.kind === "permission") return error(400, 10, "(#10) This endpoint requires the 'pages_read_user_content' permission or the 'Page Public Content Access' feature.");

    const match = /^\/(v\d{1,2}\.0)\/([\w-]+)\/(ratings|posts|comments)$/.exec(url.pathname);
    if (!match?.[1] || !match[2] || !match[3] || request.method !== "GET") {
      return error(400, 2500, `Unknown path components: ${url.pathname}`);
    }
    const [, version, node, edge] = match;
    const major = Number(version.slice(1, -2));
    const unknown = () => error(400, 100, `Unsupported get request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, "GraphMethodException", 33);

    if (edge === "ratings") {
      if (node !== options.pageId) return unknown();
      if (major >= 22) return error(400, 12, `(#12) ratings is deprecated for versions v22.0 and higher`);
      const newest = [...ratings].sort((a, b) => b.createdTime.localeCompare(a.createdTime));
      return send(200, paged(newest.map(ratingView), url, token));
    }
    if (edge === "posts") {
      if (node !== options.pageId) return unknown();
      const newest = posts.filter((post) => !deleted.has(post.id)).sort((a, b) => b.createdTime.localeCompare(a.createdTime));
      return send(200, paged(newest.map((post) => ({ id: post.id, message: post.message, created_time: graphTime(post.createdTime), permalink_url: `https://www.facebook.com/${post.id.replace("_", "/posts/")}` })), url, token));
    }
    const post = posts.find((candidate) => candidate.id === node);
    if (!post || deleted.has(post.id)) return unknown();
    const oldestFirst = [...post.comments].sort((a, b) => a.createdTime.localeCompare(b.createdTime));
    const ordered = url.searchParams.get("order") === "reverse_chronological" ? oldestFirst.reverse() : oldestFirst;
    const fields = url.searchParams.get("fields") ?? "";
    return send(200, paged(ordered.map((comment) => commentView(comment, post, fields)), url, token));
  };

  function ratingView(rating: FacebookRatingSeed) {
    return {
      created_time: graphTime(rating.createdTime),
      recommendation_type: rating.recommendation,
      ...(rating.text !== undefined ? { review_text: rating.text } : {}),
      has_review: rating.text !== undefined,
      has_rating: false,
      ...(rating.reviewer ? { reviewer: rating.reviewer } : {}),
      open_graph_story: { id: rating.storyId },
    };
  }

  function commentView(comment: FacebookCommentSeed, post: FacebookPostSeed, fields: string) {
    const replies = comment.replies ?? [];
    return {
      id: comment.id,
      message: comment.message,
      created_time: graphTime(comment.createdTime),
      ...(comment.from ? { from: comment.from } : {}),
      like_count: comment.likeCount ?? 0,
      permalink_url: `https://www.facebook.com/${post.id.replace("_", "/posts/")}?comment_id=${comment.id.split("_")[1] ?? comment.id}`,
      ...(fields.includes("comments") && replies.length > 0
        ? { comments: { data: replies.map((reply) => ({ id: reply.id, message: reply.message, created_time: graphTime(reply.createdTime), from: reply.from })), paging: { cursors: { before: "QVFIUm", after: "QVFIUn" } } } }
        : {}),
    };
  }

  const server = await serve(handler);
  return {
    url: server.url,
    requests: server.requests,
    pageName,
    close: () => server.close(),
    /** The token stops working (the admin changed the password): code 190, subcode 460. */
    revoke(): void {
      revoked = true;
    },
    failNext(fault: FacebookFault): void {
      faults.push(fault);
    },
    /** The post is deleted: reading it or its comments answers code 100, subcode 33. */
    deletePost(id: string): void {
      deleted.add(id);
    },
    addComment(postId: string, comment: FacebookCommentSeed): void {
      posts.find((post) => post.id === postId)?.comments.push(comment);
    },
    addRating(rating: FacebookRatingSeed): void {
      ratings.push(rating);
    },
  };
}

function tokenOf(request: FixtureRequest, url: URL): string | undefined {
  const header = /^(?:Bearer|OAuth) (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
  return header ?? url.searchParams.get("access_token") ?? undefined;
}

/** `2026-11-25T09:41:17.000Z` as Facebook writes it: `2026-11-25T09:41:17+0000`. */
function graphTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}+0000`;
}

/** One page of a list by `limit` and the `after` cursor (an opaque base64 offset), with Facebook's paging block. */
function paged<T>(items: T[], url: URL, token: string) {
  const limit = Math.min(100, Math.max(1, Number(url.searchParams.get("limit") ?? 25) || 25));
  const after = url.searchParams.get("after");
  const start = after ? Number(Buffer.from(after, "base64").toString("utf8").replace(/^offset:/, "")) || 0 : 0;
  const data = items.slice(start, start + limit);
  const cursor = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64");
  if (data.length === 0) return { data };
  const paging: { cursors: { before: string; after: string }; next?: string; previous?: string } = {
    cursors: { before: cursor(start), after: cursor(start + data.length) },
  };
  if (start + data.length < items.length) {
    const next = new URL(`https://graph.facebook.com${url.pathname}`);
    for (const [name, value] of url.searchParams) if (name !== "after" && name !== "before") next.searchParams.set(name, value);
    next.searchParams.set("access_token", token);
    next.searchParams.set("after", cursor(start + data.length));
    paging.next = next.toString();
  }
  return { data, paging };
}
