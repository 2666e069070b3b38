import { OdzewError } from "@odzew/core";
import type { PollContext } from "./adapter.ts";

/**
 * A GET of a JSON API with a bearer token in the `Authorization` header (never in the URL, so it
 * never reaches a log, an error or the cursor), parsed. A refused request becomes what
 * `refusal` makes of it; an answer that is not JSON is a retryable SOURCE_PARSE naming `api`.
 */
export async function getBearerJson(context: PollContext, url: string, token: string, api: string, refusal: (error: unknown) => unknown): Promise<unknown> {
  let text: string;
  try {
    const response = await context.http.request("GET", url, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      ...(context.signal ? { signal: context.signal } : {}),
    });
    text = response.text;
  } catch (error) {
    throw refusal(error);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new OdzewError("SOURCE_PARSE", `${api} answered ${url} with something that is not JSON (a cut-off answer or an error page)`, {
      retryable: true,
      cause: error,
      context: { url },
    });
  }
  return body;
}
