import type { IncomingMessage } from "node:http";
import { startFixtureServer, type FixtureHandler } from "../http-fixture.ts";

/**
 * A local Allegro REST API for tests, in the documented shapes:
 * - `POST /auth/oauth/token` (form `grant_type=refresh_token&refresh_token=…`, `Authorization: Basic
 *   base64(client_id:client_secret)`) → `{access_token, token_type, refresh_token, expires_in: 43199, scope, allegro_api, jti}`;
 *   every refresh ROTATES the refresh token (the old one is refused afterwards with 400 `invalid_grant`);
 * - `GET /sale/user-ratings?offset=&limit=` (limit 1–100, default 20) → `{ratings: [...]}` sorted by `lastChangedAt`, newest first;
 * - `GET /sale/user-ratings/{ratingId}` → the rating, 404 when the seller has none by that id;
 * - `PUT /sale/user-ratings/{ratingId}/answer` with `{"message": "…"}` → 200 `{message, createdAt}`, stored: the next GET shows it.
 * API calls need `Authorization: Bearer <a token it issued>` (else 401 `{"error": "invalid_token", …}`) and
 * `Accept: application/vnd.allegro.public.v1+json` (else 406); errors are `{"errors": [{code, message, details, path, userMessage}]}`.
 * `failNext(kind)` scripts the next API call's failure; `requests` logs every call with its body.
 */
export interface AllegroRatingFixture {
  id: string;
  createdAt: string;
  lastChangedAt?: string;
  editedAt?: string;
  recommended: boolean;
  comment?: string;
  buyer: { id: string; login: string };
  rates?: { delivery?: number; deliveryCost?: number; description?: number; service?: number };
  order?: { id: string; offers: Array<{ id: string; title: string }> };
  answer?: { message: string; createdAt: string } | null;
  excludedFromAverageRates?: boolean;
}

export type AllegroFailure =
  /** 401 `invalid_token`: the access token used has expired (and stays refused). */
  | "expired-token"
  /** 429 with `Retry-After: 1`. */
  | "rate-limit"
  /** 500 before anything is stored. */
  | "server-error"
  /** The answer is stored, then 503: the unclear case. */
  | "server-error-after-store"
  /** 422 `VALIDATION_ERROR` for the answer's text. */
  | "validation"
  /** 403 `ACCESS_DENIED`. */
  | "forbidden"
  /** The token endpoint refuses the refresh token with 400 `invalid_grant` (once: the next token request may succeed). */
  | "invalid-grant";

export interface AllegroRequestLog {
  method: string;
  path: string;
  authorization: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  body: string;
  status: number;
}

export interface AllegroApiOptions {
  clientId: string;
  clientSecret: string;
  /** The refresh token the seller authorised (what the environment holds). */
  refreshToken: string;
  ratings?: AllegroRatingFixture[];
  /** `useFixtureServers()` of the test file, so the server closes after its test; a bare server otherwise. */
  serve?: (handler: FixtureHandler) => ReturnType<typeof startFixtureServer>;
  now?: () => Date;
}

export const ALLEGRO_FIXTURE_MEDIA_TYPE = "application/vnd.allegro.public.v1+json";

export async function startAllegroApi(options: AllegroApiOptions) {
  const ratings = new Map<string, AllegroRatingFixture>((options.ratings ?? []).map((rating) => [rating.id, structuredClone(rating)]));
  const requests: AllegroRequestLog[] = [];
  const failures: AllegroFailure[] = [];
  const accessTokens = new Set<string>();
  let refreshToken = options.refreshToken;
  let issued = 0;
  const now = options.now ?? (() => new Date());

  const handler: FixtureHandler = async (request, response) => {
    const body = await readBody(response.req);
    const url = new URL(request.path, "http://allegro.test");
    const entry: AllegroRequestLog = {
      method: request.method,
      path: request.path,
      authorization: request.headers.authorization,
      accept: request.headers.accept,
      contentType: request.headers["content-type"],
      body,
      status: 0,
    };
    requests.push(entry);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const text = json === undefined ? "" : JSON.stringify(json);
      response.writeHead(status, { ...(text ? { "content-type": "application/json;charset=UTF-8" } : {}), ...headers }).end(text);
    };

    if (request.method === "POST" && url.pathname === "/auth/oauth/token") {
      const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;
      if (request.headers.authorization !== expected) return send(401, { error: "invalid_client", error_description: "Bad client credentials" });
      const form = new URLSearchParams(body);
      if (form.get("grant_type") !== "refresh_token") return send(400, { error: "unsupported_grant_type", error_description: "Unsupported grant type" });
      // Allegro repeats the refused token in its description.
      const refused = () => send(400, { error: "invalid_grant", error_description: `Invalid refresh token: ${form.get("refresh_token") ?? ""}` });
      if (failures[0] === "invalid-grant") {
        failures.shift();
        return refused();
      }
      if (form.get("refresh_token") !== refreshToken) return refused();
      issued += 1;
      const accessToken = `allegro-access-${issued}-${Math.random().toString(36).slice(2)}`;
      accessTokens.add(accessToken);
      refreshToken = `allegro-refresh-${issued}-${Math.random().toString(36).slice(2)}`;
      return send(200, {
        access_token: accessToken,
        token_type: "bearer",
        refresh_token: refreshToken,
        expires_in: 43199,
        scope: "allegro:api:sale:settings:read allegro:api:sale:settings:write",
        allegro_api: true,
        jti: `jti-${issued}`,
      });
    }

    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!token || !accessTokens.has(token)) return send(401, { error: "invalid_token", error_description: "Invalid access token" });
    if (request.headers.accept !== ALLEGRO_FIXTURE_MEDIA_TYPE) {
      return send(406, errors("NotAcceptableException", `Accept must be ${ALLEGRO_FIXTURE_MEDIA_TYPE}`, "Nieprawidłowy nagłówek Accept"));
    }
    const failure = failures[0] === "invalid-grant" ? undefined : failures.shift();
    if (failure === "expired-token") {
      accessTokens.delete(token);
      return send(401, { error: "invalid_token", error_description: "Access token expired" });
    }
    if (failure === "rate-limit") return send(429, errors("TooManyRequests", "Too many requests", "Zbyt wiele zapytań, spróbuj za chwilę"), { "retry-after": "1" });
    if (failure === "server-error") return send(500, errors("InternalServerError", "Internal server error", "Wystąpił błąd, spróbuj ponownie"));
    if (failure === "forbidden") return send(403, errors("ACCESS_DENIED", "Access is denied", "Brak uprawnień do tego zasobu"));

    if (request.method === "GET" && url.pathname === "/sale/user-ratings") {
      const limit = Number(url.searchParams.get("limit") ?? 20);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return send(422, errors("VALIDATION_ERROR", "limit must be between 1 and 100", "Nieprawidłowa wartość parametru limit", "limit"));
      }
      const sorted = [...ratings.values()].sort((a, b) => Date.parse(changed(b)) - Date.parse(changed(a)));
      return send(200, { ratings: sorted.slice(offset, offset + limit).map(view) });
    }

    const match = /^\/sale\/user-ratings\/([^/]+)(\/answer)?$/.exec(url.pathname);
    const rating = match?.[1] ? ratings.get(decodeURIComponent(match[1])) : undefined;
    if (match && !rating) return send(404, errors("NOT_FOUND", `Rating ${match[1]} not found`, "Nie znaleziono oceny"));
    if (rating && request.method === "GET" && !match?.[2]) return send(200, view(rating));
    if (rating && request.method === "PUT" && match?.[2]) {
      if (request.headers["content-type"] !== ALLEGRO_FIXTURE_MEDIA_TYPE) {
        return send(415, errors("UnsupportedMediaTypeException", `Content-Type must be ${ALLEGRO_FIXTURE_MEDIA_TYPE}`, "Nieprawidłowy nagłówek Content-Type"));
      }
      let message: unknown;
      try {
        message = (JSON.parse(body) as { message?: unknown }).message;
      } catch {
        return send(400, errors("JSON_PARSE_ERROR", "Malformed JSON", "Nieprawidłowe dane"));
      }
      if (failure === "validation" || typeof message !== "string" || message.trim() === "") {
        return send(422, errors("VALIDATION_ERROR", "answer message is invalid", "Treść odpowiedzi zawiera niedozwolone słowa", "message"));
      }
      rating.answer = { message, createdAt: now().toISOString() };
      if (failure === "server-error-after-store") return send(503, errors("ServiceUnavailable", "Service unavailable", "Usługa chwilowo niedostępna"));
      return send(200, rating.answer);
    }
    return send(404, errors("NOT_FOUND", `No resource ${request.method} ${url.pathname}`, "Nie znaleziono zasobu"));
  };

  const server = await (options.serve ?? startFixtureServer)(handler);
  return {
    url: server.url,
    tokenUrl: `${server.url}/auth/oauth/token`,
    requests,
    ratings,
    /** Script the next call's failure (the token endpoint's for `invalid-grant`). */
    failNext(kind: AllegroFailure, times = 1) {
      for (let index = 0; index < times; index++) failures.push(kind);
    },
    /** The seller authorises the application again (the device flow): a new refresh token, the old chain refused. */
    authorise(token = `allegro-reauthorised-${issued}-${Math.random().toString(36).slice(2)}`) {
      refreshToken = token;
      return token;
    },
    /** The refresh token Allegro would accept now (it rotates at every refresh). */
    currentRefreshToken: () => refreshToken,
    /** Access tokens issued so far. */
    tokensIssued: () => issued,
    /** API calls (not token requests) in the log. */
    apiCalls: () => requests.filter((entry) => !entry.path.startsWith("/auth/")),
    close: () => server.close(),
  };
}

export type AllegroApi = Awaited<ReturnType<typeof startAllegroApi>>;

function changed(rating: AllegroRatingFixture): string {
  return rating.lastChangedAt ?? rating.editedAt ?? rating.createdAt;
}

/** A rating as the API shows it. */
function view(rating: AllegroRatingFixture) {
  return {
    id: rating.id,
    buyer: rating.buyer,
    createdAt: rating.createdAt,
    ...(rating.editedAt ? { editedAt: rating.editedAt } : {}),
    lastChangedAt: changed(rating),
    recommended: rating.recommended,
    ...(rating.comment !== undefined ? { comment: rating.comment } : {}),
    ...(rating.rates ? { rates: rating.rates } : {}),
    ...(rating.order ? { order: rating.order } : {}),
    answer: rating.answer ?? null,
    excludedFromAverageRates: rating.excludedFromAverageRates ?? false,
    removal: { possibleTo: new Date(Date.parse(rating.createdAt) + 30 * 86_400_000).toISOString(), request: null },
  };
}

function errors(code: string, message: string, userMessage: string, path: string | null = null) {
  return { errors: [{ code, message, details: null, path, userMessage, metadata: {} }] };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
