import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { DASHBOARD_POLICY, acceptsGzip, isAssetName, loadDashboard } from "./dashboard.ts";

describe("the dashboard's files", () => {
  it("serves only asset names Vite writes, never a path", () => {
    expect(isAssetName("index-CfBPcI26.js")).toBe(true);
    expect(isAssetName("echarts-B1x_9.css")).toBe(true);
    for (const name of ["../package.json", "..", ".env", "a/b.js", "a\\b.js", "", "x".repeat(300)]) expect(isAssetName(name), name).toBe(false);
  });

  it("gzips only for a client that takes it", () => {
    expect(acceptsGzip("gzip, deflate, br")).toBe(true);
    expect(acceptsGzip("br;q=1, gzip;q=0.5")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("br")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it("says how to build the dashboard when it is not built", () => {
    const empty = mkdtempSync(join(tmpdir(), "odzew-dist-"));
    const dashboard = loadDashboard(pathToFileURL(`${empty}/`));
    expect(dashboard.built).toBe(false);
    if (!dashboard.built) expect(dashboard.reason).toContain("pnpm --filter @odzew/web build");
  });

  it("reads a build: the page and its assets, compressed when large", () => {
    const dist = mkdtempSync(join(tmpdir(), "odzew-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), '<!doctype html><script type="module" src="/assets/index-a1.js"></script>');
    writeFileSync(join(dist, "assets", "index-a1.js"), "console.log(1);\n".repeat(200));
    const dashboard = loadDashboard(pathToFileURL(`${dist}/`));
    expect(dashboard.built).toBe(true);
    if (!dashboard.built) return;
    const script = dashboard.assets.get("index-a1.js");
    expect(script?.type).toContain("text/javascript");
    expect(script?.gzip && script.gzip.length < script.body.length).toBe(true);
  });

  it("lets no inline script or eval run", () => {
    expect(DASHBOARD_POLICY).toContain("script-src 'self'");
    expect(DASHBOARD_POLICY).not.toMatch(/script-src[^;]*unsafe/);
    expect(DASHBOARD_POLICY).toContain("frame-ancestors 'none'");
  });
});
