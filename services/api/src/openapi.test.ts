import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi.ts";
import { searchQuerySchema } from "./params.ts";
import { exportLineSchema, mentionPageSchema } from "./responses.ts";

describe("the OpenAPI document", () => {
  const document = openApiDocument([
    { method: "GET", path: "/mentions", summary: "Search", query: searchQuerySchema, response: mentionPageSchema },
    { method: "GET", path: "/export", summary: "Export", action: "export", exportLine: exportLineSchema },
  ]) as { paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> } }> };

  it("shows each route's answer as the JSON schema of its zod response schema", () => {
    const schema = document.paths["/mentions"]!.get.responses["200"]!.content!["application/json"]!.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(["items", "next", "total"]);
    expect(schema.required.sort()).toEqual(["items", "total"]);
    // The mention views: the pseudonymous one says whether there is a reply and has no personal field.
    const views = (schema.properties.items as { items: { anyOf: { properties: Record<string, unknown>; required?: string[] }[] } }).items.anyOf;
    const pseudonymous = views.find((view) => "hasReply" in view.properties)!;
    for (const field of ["author", "url", "nativeId", "reply"]) expect(pseudonymous.properties, field).not.toHaveProperty(field);
    expect(pseudonymous.properties.source).toMatchObject({ properties: { type: expect.anything() }, additionalProperties: false });
    expect(pseudonymous.properties.source).not.toHaveProperty("properties.id");
    expect(document.paths["/mentions"]!.get.parameters.map((parameter) => parameter.name)).toContain("q");
  });

  it("shows an export's NDJSON lines as mentions and its CSV as text", () => {
    const content = document.paths["/export"]!.get.responses["200"]!.content!;
    expect(Object.keys(content).sort()).toEqual(["application/x-ndjson", "text/csv"]);
    expect(content["application/x-ndjson"]!.schema).toHaveProperty("anyOf");
  });
});
