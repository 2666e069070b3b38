/**
 * Secrets travel in URLs (capability paths, API keys in query strings, user info): one rule for
 * every place that shows a URL to a log, an error or a team.
 */

/**
 * A URL as it may appear in an error message or a log line: scheme, host and path; the user
 * name and password, every query value and the fragment replaced by "…", and a path segment
 * that looks like a token (a long run of letters mixed with digits, as in capability URLs)
 * too. `https://u:p@example.pl/feed/a8F3k2J9x0Qw7Zr5Lm1N?key=abc&page=2` becomes
 * `https://…@example.pl/feed/…?key=…&page=…`.
 */
const UNPARSABLE = "(a URL that does not parse)";

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return UNPARSABLE;
  }
  const userinfo = parsed.username || parsed.password ? "…@" : "";
  const path = parsed.pathname
    .split("/")
    .map((segment) => (looksLikeToken(segment) ? "…" : segment))
    .join("/");
  const keys = [...parsed.searchParams.keys()];
  const query = keys.length > 0 ? `?${keys.map((key) => `${encodeURIComponent(key)}=…`).join("&")}` : parsed.search === "?" ? "" : parsed.search ? "?…" : "";
  return `${parsed.protocol}//${userinfo}${parsed.host}${path}${query}`;
}

/** A path segment that is most likely a secret: one run of 16 or more characters mixing letters and digits. */
function looksLikeToken(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    decoded = segment;
  }
  return decoded.split(/[-.~]/).some((part) => part.length >= 16 && /\d/.test(part) && /[a-z]/i.test(part));
}

/**
 * Every URL in a free text (an error message, a health alert) redacted with `redactUrl`; a
 * URL-like run that does not parse becomes "[URL]".
 */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s"'<>()]+/gi, (match) => {
    const redacted = redactUrl(match);
    return redacted === UNPARSABLE ? "[URL]" : redacted;
  });
}
