/**
 * The API client of the dashboard: every call carries the team's key (kept in this tab's
 * sessionStorage only) and every failure becomes an ApiError with the API's own code and words.
 */
const KEY_STORAGE = "odzew-key";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const storedKey = (): string => sessionStorage.getItem(KEY_STORAGE) ?? "";
export const storeKey = (key: string): void => {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
};

/** Called when the API says the key is no longer good (401): the shell signs the user out. */
let onUnauthorized: (() => void) | undefined;
export const whenUnauthorized = (handler: () => void): void => {
  onUnauthorized = handler;
};

export interface ApiInit {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** The key to use instead of the stored one (signing in). */
  key?: string;
}

/** Builds a query string from defined, non-empty values only. */
export function query(params: Record<string, string | number | boolean | undefined | null | readonly string[]>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(name, value.join(","));
    } else search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function send(path: string, init: ApiInit): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.key ?? storedKey()}` };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`/api/v1${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: init.signal ?? null,
    cache: "no-store",
  });
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (response.status === 401 && !init.key) onUnauthorized?.();
  throw new ApiError(response.status, body.error?.code ?? `HTTP_${response.status}`, body.error?.message ?? `HTTP ${response.status}`);
}

/** A JSON call to /api/v1. */
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  return (await (await send(path, init)).json()) as T;
}

/** A text call to /api/v1 (CSV and NDJSON exports). */
export async function apiText(path: string, init: ApiInit = {}): Promise<string> {
  return (await send(path, init)).text();
}

/** Offers text as a file download, without a round trip (the data is already the team's view). */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
