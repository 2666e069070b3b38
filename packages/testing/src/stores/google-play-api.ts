import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { googlePlaySourceSchema, type GooglePlaySourceConfig } from "@odzew/schema";
import { startFixtureServer, type FixtureRequest } from "../http-fixture.ts";
import {
  GoogleFixtureState,
  answerLateFault,
  bearerOf,
  gateApiRequest,
  jsonObject,
  protoTime,
  readBody,
  sendGoogleError,
  sendJson,
  useStoreFixture,
  type GoogleApiRequest,
  type GoogleFixtureControls,
} from "./google-fixture.ts";

/** The longest replyText the fixture accepts, like Google ("approximately 350 characters"). */
export const PLAY_FIXTURE_MAX_REPLY = 350;
const SCOPE = "https://www.googleapis.com/auth/androidpublisher";

/** A review as `reviews.get` answers it (the fields Odzew reads). */
export interface PlayApiReview {
  reviewId: string;
  authorName?: string;
  comments: (
    | { userComment: { text: string; lastModified: { seconds: string; nanos: number }; starRating: number; reviewerLanguage?: string } }
    | { developerComment: { text: string; lastModified: { seconds: string; nanos: number } } }
  )[];
}

/** A review to start with. */
export interface PlayReviewSeed {
  reviewId: string;
  text: string;
  authorName?: string;
  starRating?: number;
  reviewerLanguage?: string;
  /** When the user wrote it (default: an hour ago). */
  at?: Date;
  /** A developer reply already there. */
  reply?: string;
}

export interface GooglePlayApiOptions {
  /** The app's package name (default `pl.zuraw.bank`). */
  packageName?: string;
  reviews?: PlayReviewSeed[];
}

export interface GooglePlayApi extends GoogleFixtureControls {
  /** The API host: the source's `baseUrl`. */
  url: string;
  /** The OAuth token endpoint: the source's `tokenUrl`. */
  tokenUrl: string;
  packageName: string;
  /**
   * A new service account key file whose JWTs the token endpoint accepts (a new file each
   * call, so each has its own entry in the process's token cache).
   */
  keyFile(): string;
  /** A `developer-api` source of this app on this server (`network.allowPrivate` for 127.0.0.1). */
  source(overrides?: Record<string, unknown>): GooglePlaySourceConfig;
  /** The reviews as `reviews.get` shows them now. */
  reviews(): PlayApiReview[];
  /** One review's developer reply text, if any. */
  replyOf(reviewId: string): string | undefined;
  addReview(seed: PlayReviewSeed): void;
  /** The replies (POST …:reply) that reached the server, with the reply text each carried. */
  replyPosts(): { reviewId: string; replyText: string }[];
}

let keyPair: { publicKey: string; privateKey: string } | undefined;

/** One RSA key pair per process: making one takes a while. */
function serviceAccountKeys(): { publicKey: string; privateKey: string } {
  keyPair ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return keyPair;
}

/**
 * A local Google Play Developer API for the reply tests: the OAuth token endpoint of the
 * service-account (JWT bearer) grant at `/token` — it checks the JWT's signature, scope and
 * audience — and `reviews.get` / `reviews.reply` of one app at
 * `/androidpublisher/v3/applications/{packageName}/reviews/{reviewId}[:reply]`, answering in
 * the documented shapes, with Google's error bodies (`{"error": {"code", "message", "status"}}`).
 * A reply is stored in memory, so `reviews.get` shows it; a replyText over 350 characters is
 * refused with 400, HTML tags are stripped like Google does.
 */
export async function startGooglePlayApi(options: GooglePlayApiOptions = {}): Promise<GooglePlayApi> {
  const packageName = options.packageName ?? "pl.zuraw.bank";
  const state = new GoogleFixtureState("ya29.c.play-fixture-");
  const reviews = new Map<string, PlayApiReview>();
  const keys = serviceAccountKeys();
  const dir = mkdtempSync(join(tmpdir(), "odzew-play-api-"));
  let keyFiles = 0;
  const replyPosts: { reviewId: string; replyText: string }[] = [];

  const addReview = (seed: PlayReviewSeed) => {
    const review: PlayApiReview = {
      reviewId: seed.reviewId,
      ...(seed.authorName ? { authorName: seed.authorName } : {}),
      comments: [
        {
          userComment: {
            text: seed.text,
            lastModified: protoTime(seed.at ?? new Date(Date.now() - 3_600_000)),
            starRating: seed.starRating ?? 4,
            reviewerLanguage: seed.reviewerLanguage ?? "pl_PL",
          },
        },
      ],
    };
    if (seed.reply) review.comments.push({ developerComment: { text: seed.reply, lastModified: protoTime(new Date()) } });
    reviews.set(seed.reviewId, review);
  };
  for (const seed of options.reviews ?? []) addReview(seed);

  let tokenUrl = "";
  const reviewsPath = `/androidpublisher/v3/applications/${encodeURIComponent(packageName)}/reviews/`;

  const handle = async (request: FixtureRequest, response: ServerResponse): Promise<GoogleApiRequest> => {
    const body = await readBody(response.req);
    const bearer = bearerOf(response.req);
    const entry: GoogleApiRequest = { method: request.method, path: request.path, body, ...(bearer ? { bearer } : {}) };
    const url = new URL(request.path, "http://fixture");

    if (url.pathname === "/token") {
      const fault = state.takeFault(request.method, true);
      if (fault) {
        entry.fault = fault.kind;
        entry.status = sendJson(response, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
        return entry;
      }
      entry.status = exchangeJwt(body, response);
      return entry;
    }

    const gate = gateApiRequest(state, request.method, response, bearer, entry);
    if (gate.answered) return entry;
    const fault = gate.fault;
    if (!url.pathname.startsWith(reviewsPath)) {
      entry.status = sendGoogleError(response, 404, "Package not found: " + decodeURIComponent(url.pathname.split("/")[4] ?? ""));
      return entry;
    }
    const rest = decodeURIComponent(url.pathname.slice(reviewsPath.length));
    const replying = rest.endsWith(":reply");
    const reviewId = replying ? rest.slice(0, -":reply".length) : rest;
    const review = reviews.get(reviewId);

    if (request.method === "GET" && !replying) {
      entry.status = review ? sendJson(response, 200, review) : sendGoogleError(response, 404, "No review found.");
      return entry;
    }
    if (request.method !== "POST" || !replying) {
      entry.status = sendGoogleError(response, 404, `The requested URL ${url.pathname} was not found on this server.`);
      return entry;
    }
    if (!review) {
      entry.status = sendGoogleError(response, 404, "No review found.");
      return entry;
    }
    const payload = jsonObject(body);
    if (!payload) {
      entry.status = sendGoogleError(response, 400, "Invalid JSON payload received. Unexpected token.");
      return entry;
    }
    const replyText = payload.replyText;
    if (typeof replyText !== "string" || replyText === "") {
      entry.status = sendGoogleError(response, 400, "Reply text must not be empty.");
      return entry;
    }
    if ([...replyText].length > PLAY_FIXTURE_MAX_REPLY) {
      entry.status = sendGoogleError(response, 400, `Reply text is too long (${[...replyText].length} characters; the limit is ${PLAY_FIXTURE_MAX_REPLY}).`);
      return entry;
    }
    replyPosts.push({ reviewId, replyText });
    // "HTML tags will be stripped."
    const applied = replyText.replace(/<[^>]*>/g, "");
    const lastEdited = protoTime(new Date());
    review.comments = [...review.comments.filter((comment) => !("developerComment" in comment)), { developerComment: { text: applied, lastModified: lastEdited } }];
    const late = answerLateFault(fault, response);
    if (late !== undefined) {
      if (late !== "dropped") entry.status = late;
      return entry;
    }
    entry.status = sendJson(response, 200, { result: { replyText: applied, lastEdited } });
    return entry;
  };

  /** The JWT-bearer grant: a form with grant_type and an RS256 assertion signed by a key file of this server. */
  function exchangeJwt(body: string, response: ServerResponse): number {
    const form = new URLSearchParams(body);
    const refuse = (description: string) => sendJson(response, 400, { error: "invalid_grant", error_description: description });
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      return sendJson(response, 400, { error: "unsupported_grant_type", error_description: "Invalid grant_type: " + String(form.get("grant_type")) });
    }
    const [header, claims, signature] = (form.get("assertion") ?? "").split(".");
    if (!header || !claims || !signature) return refuse("Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
    const signed = verify("RSA-SHA256", Buffer.from(`${header}.${claims}`), keys.publicKey, Buffer.from(signature, "base64url"));
    if (!signed) return refuse("Invalid JWT Signature.");
    const parsed = jsonObject(Buffer.from(claims, "base64url").toString("utf8"));
    if (!parsed) return refuse("Invalid JWT: claims are not JSON");
    if (typeof parsed.scope !== "string" || !parsed.scope.split(" ").includes(SCOPE)) return refuse(`Invalid JWT: scope must include ${SCOPE}`);
    if (parsed.aud !== tokenUrl) return refuse("Invalid JWT: Failed audience check.");
    if (typeof parsed.exp !== "number" || parsed.exp * 1000 < Date.now()) return refuse("Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
    return sendJson(response, 200, { access_token: state.issueToken(), expires_in: 3599, token_type: "Bearer" });
  }

  const server = await startFixtureServer(async (request, response) => {
    const entry = await handle(request, response);
    state.requests.push(entry);
  });
  tokenUrl = `${server.url}/token`;

  const keyFile = () => {
    keyFiles += 1;
    const path = join(dir, `play-service-account-${keyFiles}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        type: "service_account",
        project_id: "zuraw-play",
        private_key_id: `fixture${keyFiles}`,
        private_key: keys.privateKey,
        client_email: "odzew-replies@zuraw-play.iam.gserviceaccount.com",
        client_id: "109876543210987654321",
        token_uri: tokenUrl,
      }),
    );
    return path;
  };

  return {
    url: server.url,
    tokenUrl,
    packageName,
    keyFile,
    source(overrides = {}) {
      return googlePlaySourceSchema.parse({
        id: "zuraw-android",
        type: "google-play",
        brands: ["zuraw"],
        schedule: "*/30 * * * *",
        appId: packageName,
        mode: "developer-api",
        serviceAccountKeyFile: keyFile(),
        baseUrl: server.url,
        tokenUrl,
        network: { allowPrivate: ["127.0.0.1"] },
        ...overrides,
      });
    },
    reviews: () => structuredClone([...reviews.values()]),
    replyOf(reviewId) {
      const developer = reviews.get(reviewId)?.comments.find((comment) => "developerComment" in comment);
      return developer && "developerComment" in developer ? developer.developerComment.text : undefined;
    },
    addReview,
    failNext: (kind, failOptions) => state.failNext(kind, failOptions),
    expireTokens: () => state.expireTokens(),
    tokensIssued: () => state.tokensIssued,
    requests: state.requests,
    replyPosts: () => [...replyPosts],
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For a test file: `const playApi = useGooglePlayApi();` then `await playApi({...})`; closed after each test. */
export function useGooglePlayApi(): (options?: GooglePlayApiOptions) => Promise<GooglePlayApi> {
  const start = useStoreFixture(startGooglePlayApi);
  return (options = {}) => start(options);
}
