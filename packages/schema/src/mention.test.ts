import { describe, expect, it } from "vitest";
import { MENTION_SCHEMA_VERSION, mentionId, rawMentionSchema } from "./mention.ts";

const raw = (url: string) => ({
  schemaVersion: MENTION_SCHEMA_VERSION,
  id: mentionId("s", "1"),
  source: { id: "s", type: "html" },
  nativeId: "1",
  url,
  author: { name: "Ola", profileUrl: url },
  text: "Opinia",
  publishedAt: "2026-11-20T10:00:00.000Z",
  collectedAt: "2026-11-20T10:00:00.000Z",
});

describe("mention links", () => {
  it("takes http(s) links and refuses javascript:, data: and file: ones", () => {
    expect(rawMentionSchema.safeParse(raw("https://opinie.example.pl/r/1")).success).toBe(true);
    for (const url of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "JavaScript:alert(1)"]) {
      const result = rawMentionSchema.safeParse(raw(url));
      expect(result.success, url).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["url", "author.profileUrl"]));
      expect(result.error?.issues[0]?.message).toBe("must be an absolute http(s) URL (javascript:, data:, file: and other schemes are refused)");
    }
  });

  it("refuses disguised and relative links too", () => {
    for (const url of [" javascript:alert(1)", "\tjavascript:alert(1)", "java\nscript:alert(1)", "javascript://opinie.example.pl/%0aalert(1)", "vbscript:msgbox(1)", "blob:https://opinie.example.pl/1", "ftp://opinie.example.pl/r/1", "//opinie.example.pl/r/1", "/r/1", "https:opinie.example.pl"]) {
      expect(rawMentionSchema.safeParse(raw(url)).success, JSON.stringify(url)).toBe(false);
    }
  });
});
