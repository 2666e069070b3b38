/**
 * Where the user is, in the address: `#/<page>?<state>`. Every view keeps its filters, chart range,
 * sample seed and the like in the query, so a link is a saved view: bookmark it, send it to a
 * colleague of the same team, reload it. The key is never in the address.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  page: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, "");
  const at = text.indexOf("?");
  const page = decodeURIComponent(at === -1 ? text : text.slice(0, at));
  return { page, params: new URLSearchParams(at === -1 ? "" : text.slice(at + 1)) };
}

export function routeHref(page: string, params?: Record<string, string | number | boolean | undefined | null> | URLSearchParams): string {
  const search = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (params && !(params instanceof URLSearchParams)) {
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "" && value !== false) search.set(name, String(value));
    }
  }
  search.sort();
  const text = search.toString();
  return `#/${encodeURIComponent(page)}${text ? `?${text}` : ""}`;
}

/** Go to a page (a new history entry: Back returns). */
export function navigate(page: string, params?: Record<string, string | number | boolean | undefined | null> | URLSearchParams): void {
  const href = routeHref(page, params);
  if (location.hash !== href) location.hash = href;
}

/** Change the current page's state in place (filters typed, no new history entry per keystroke). */
export function replaceParams(params: Record<string, string | number | boolean | undefined | null>): void {
  const { page, params: current } = parseRoute(location.hash);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "" || value === false) current.delete(name);
    else current.set(name, String(value));
  }
  const href = routeHref(page, current);
  if (location.hash !== href) {
    history.replaceState(history.state, "", href);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  }
}

/** The route in force; renders again when it changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
