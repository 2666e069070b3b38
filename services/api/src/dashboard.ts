/**
 * The dashboard's files (services/web, built by Vite into services/web/dist): read once at start,
 * served from memory with their Content-Security-Policy. Hashed assets are cached for a year; the
 * page itself is asked for again each time, so a new build is picked up on reload.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

/** Where the built dashboard is, from this file (services/api/src → services/web/dist). */
export const DASHBOARD_DIST = new URL("../../web/dist/", import.meta.url);

/**
 * The policy of every dashboard response: scripts and styles from this origin only (no inline
 * script, no eval), data from the API only, no frames, no forms posted elsewhere. Inline style
 * attributes stay allowed: the chart library sizes its boxes with them, and a style cannot run code.
 */
export const DASHBOARD_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

export interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
}

export type Dashboard = { built: true; page: StaticFile; assets: ReadonlyMap<string, StaticFile> } | { built: false; reason: string };

/** An asset's name as Vite writes it: letters, digits, `-`, `_`, `.`; never a path. */
export const isAssetName = (name: string): boolean => /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}$/.test(name) && !name.includes("..");

function file(path: string, type: string): StaticFile {
  const body = readFileSync(path);
  return { body, type, gzip: body.length > 1_024 ? gzipSync(body, { level: 9 }) : undefined };
}

/** Reads the built dashboard; says how to build it when it is not there. */
export function loadDashboard(dist: URL = DASHBOARD_DIST): Dashboard {
  const root = dist.pathname;
  const index = join(root, "index.html");
  if (!existsSync(index)) {
    return { built: false, reason: `the dashboard is not built (${index} is missing): run "corepack pnpm --filter @odzew/web build" (scripts/start and scripts/test do it)` };
  }
  const assets = new Map<string, StaticFile>();
  const assetDir = join(root, "assets");
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      if (isAssetName(name)) assets.set(name, file(join(assetDir, name), TYPES[extname(name)] ?? "application/octet-stream"));
    }
  }
  return { built: true, page: file(index, "text/html; charset=utf-8"), assets };
}

/** Whether the client takes gzip (Accept-Encoding), the q=0 refusal included. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [coding, ...params] = part.trim().split(";");
    if (coding?.trim().toLowerCase() !== "gzip" && coding?.trim() !== "*") return false;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  });
}
