import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkJson, type JsonSchema } from "./json-schema-check.ts";
import { mentionResponseSchema, sourcesResponseSchema } from "./responses.ts";

const documented = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: "output", unrepresentable: "any", target: "openapi-3.0" }) as JsonSchema;

const AT = "2026-11-27T10:00:00.000Z";
const pseudonymous = { id: "a".repeat(32), text: "[e-mail]", source: { type: "opineo" }, publishedAt: AT, hasReply: true, workflow: { status: "open", notes: 0, updatedAt: AT } };

describe("the JSON schema check of the contract test", () => {
  it("accepts what the documented schemas allow", () => {
    expect(checkJson(pseudonymous, documented(mentionResponseSchema))).toEqual([]);
    expect(checkJson({ id: "b".repeat(32), author: { name: "A" }, url: "https://x.example/1", answer: { url: "https://x.example/1", where: "here" } }, documented(mentionResponseSchema))).toEqual([]);
    expect(checkJson({ sources: [{ id: "s", status: "ok", health: null, backfilled: false, updatedAt: null }] }, documented(sourcesResponseSchema))).toEqual([]);
  });

  it("refuses a personal field in the pseudonymous view, an unknown field, a wrong type, a missing field, a bad enum or date", () => {
    const schema = documented(mentionResponseSchema);
    expect(checkJson({ ...pseudonymous, author: { name: "Bożena" } }, schema).join()).toContain("author");
    expect(checkJson({ ...pseudonymous, workflow: { ...pseudonymous.workflow, assignee: "ola" } }, schema).join()).toContain("assignee");
    expect(checkJson({ ...pseudonymous, source: { id: "opineo-sklep", type: "opineo" } }, schema).join()).toContain("source.id");
    expect(checkJson({ ...pseudonymous, surprise: 1 }, schema).join()).toContain("surprise");
    expect(checkJson({ ...pseudonymous, hasReply: "yes" }, schema)).not.toEqual([]);
    const { id: _id, ...withoutId } = pseudonymous;
    expect(checkJson(withoutId, schema).join()).toContain("id: missing");
    expect(checkJson({ ...pseudonymous, source: { type: "myspace" } }, schema)).not.toEqual([]);
    expect(checkJson({ ...pseudonymous, publishedAt: "yesterday" }, schema).join()).toContain("publishedAt");
    expect(checkJson({ sources: [{ id: "s", status: "ok", health: null, backfilled: false }] }, documented(sourcesResponseSchema)).join()).toContain("updatedAt: missing");
  });
});
