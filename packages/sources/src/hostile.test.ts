import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { htmlSourceSchema, trustpilotSourceSchema } from "@odzew/schema";
import { testLogger, useFixtureServers } from "@odzew/testing";
import { MAX_HTML_DEPTH, htmlDepth } from "./html-guard.ts";
import { htmlAdapter } from "./html.source.ts";
import { HttpClient } from "./http-client.ts";
import { testPollContext } from "./test-context.ts";
import { trustpilotAdapter } from "./trustpilot.source.ts";
import { plainText } from "./text.ts";

const logger = testLogger("hostile");
const serve = useFixtureServers();

const source = (url: string) =>
  htmlSourceSchema.parse({
    id: "hostile",
    type: "html",
    schedule: "* * * * *",
    url,
    selectors: { item: "div.opinia", id: "@data-id", text: "p", date: "time@datetime" },
  });

const review = (id: string, inner: string) =>
  `<div class="opinia" data-id="${id}"><p>${inner}</p><time datetime="2026-11-20T10:00:00Z"></time></div>`;

describe("hostile pages cannot crash or stall a collector", () => {
  it("refuses a page with 100,000 nested elements quickly, with a clear error", async () => {
    const depth = 100_000;
    const server = await serve((_request, response) =>
      response.writeHead(200, { "content-type": "text/html" }).end(`<html><body>${review("1", `${"<div>".repeat(depth)}x${"</div>".repeat(depth)}`)}</body></html>`),
    );
    await expect(htmlAdapter.poll(source(`${server.url}/`), testPollContext(logger))).rejects.toMatchObject({
      code: "SOURCE_PARSE",
      message: expect.stringContaining(`nested more than ${MAX_HTML_DEPTH} deep`),
    });
  });

  it("refuses a 50 MB page without reading all of it into memory", async () => {
    const chunk = Buffer.alloc(1024 * 1024, "a");
    const server = await serve(async (_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      for (let index = 0; index < 50 && !response.destroyed; index++) {
        if (!response.write(chunk)) await new Promise((resolve) => response.once("drain", resolve));
      }
      response.end();
    });
    const http = new HttpClient({ logger, minIntervalMsPerHost: 0, allowPrivateHosts: true });
    await expect(htmlAdapter.poll(source(`${server.url}/`), testPollContext(logger, { http }))).rejects.toThrow(/larger than 5242880 bytes/);
  });

  it("turns a review of deeply nested markup into plain text instead of hanging", () => {
    const hostile = `${"<b>".repeat(50_000)}Uwaga na oszustów${"</b>".repeat(50_000)}<script>alert(1)</script>`;
    expect(plainText(hostile)).toBe("Uwaga na oszustów");
  });

  it("reads a Trustpilot review of 64 KB of <a<a<a… at once, words kept (4 KB used to block for seconds)", async () => {
    const page = readFileSync(new URL("./fixtures/trustpilot/page-1.html", import.meta.url), "utf8");
    const original = '"text":"Zamówienie przyszło następnego dnia.\\nWszystko dobrze zapakowane \\u0026 zgodne z opisem."';
    expect(page).toContain(original);
    const hostile = `"text":${JSON.stringify(`<b>Uwaga</b> na <i>oszustów</i> ${"<a".repeat(32_768)}`)}`;
    const server = await serve((_request, response) => response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page.replace(original, hostile)));
    const url = `${server.url}/review/zuraw.pl`;
    const started = Date.now();
    const result = await trustpilotAdapter.poll(trustpilotSourceSchema.parse({ id: "tp", type: "trustpilot", schedule: "* * * * *", url, limits: { maxPages: 1 } }), {
      ...testPollContext(logger),
      mode: "incremental",
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.mentions[0]?.text).toMatch(/^Uwaga na oszustów/);
  });

  it("does not count elements whose end tag may be left out", () => {
    const list = `<ul>${"<li>punkt".repeat(5_000)}</ul>`;
    expect(htmlDepth(`<html><body><div>${list}<p>a<p>b</div></body></html>`)).toBe(4);
    expect(htmlDepth("<div><img src=x><br/><script>if (a<b) {}</script></div>")).toBe(1);
  });
});
