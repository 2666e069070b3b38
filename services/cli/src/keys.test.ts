import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoSiteReplyToken } from "./keys.ts";

describe("demoSiteReplyToken", () => {
  it("makes a token on the first demo start and keeps it, readable by the owner only; the environment wins", () => {
    const file = join(mkdtempSync(join(tmpdir(), "odzew-keys-")), ".stack", "demo-site.env");
    const first = demoSiteReplyToken(file, {});
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(file, "utf8")).toBe(`DEMO_SITE_REPLY_TOKEN=${first}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A second start (the demo site and the responder restarted) agrees with the first.
    expect(demoSiteReplyToken(file, {})).toBe(first);
    expect(demoSiteReplyToken(file, { DEMO_SITE_REPLY_TOKEN: "set-by-the-operator-0123456789" })).toBe("set-by-the-operator-0123456789");
  });
});
