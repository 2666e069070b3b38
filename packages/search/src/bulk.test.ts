import { describe, expect, it } from "vitest";
import { isPassingRefusal, splitBulk } from "./bulk.ts";

describe("isPassingRefusal", () => {
  it("retries what the cluster or index refuses for now", () => {
    expect(isPassingRefusal(429, "es_rejected_execution_exception")).toBe(true);
    expect(isPassingRefusal(503, undefined)).toBe(true);
    expect(isPassingRefusal(409, "version_conflict_engine_exception")).toBe(true);
    // A write block (index.blocks.write, or the disk flood stage) answers 403; a closed index 400.
    expect(isPassingRefusal(403, "cluster_block_exception")).toBe(true);
    expect(isPassingRefusal(400, "index_closed_exception")).toBe(true);
    expect(isPassingRefusal(404, "index_not_found_exception")).toBe(true);
  });

  it("keeps refusals of the document itself final", () => {
    expect(isPassingRefusal(400, "mapper_parsing_exception")).toBe(false);
    expect(isPassingRefusal(400, "strict_dynamic_mapping_exception")).toBe(false);
    expect(isPassingRefusal(400, "document_parsing_exception")).toBe(false);
    expect(isPassingRefusal(400, "illegal_argument_exception")).toBe(false);
    expect(isPassingRefusal(403, "security_exception")).toBe(false);
  });
});

describe("splitBulk", () => {
  it("splits by bytes, keeps pairs together and order, and sends an oversized pair alone", () => {
    const pairs = [10, 10, 10, 200, 10].map((size, index) => ({ action: { index: { _id: String(index) } }, source: { text: "x".repeat(size) } }));
    const requests = splitBulk(pairs, 100);
    expect(requests.map((request) => request.count)).toEqual([2, 1, 1, 1]);
    // Each body is NDJSON, one line per action and source, ending with a newline as the engine wants.
    expect(requests.every((request) => request.body.endsWith("}\n"))).toBe(true);
    const lines = requests.flatMap((request) => request.body.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown));
    expect(lines).toEqual(pairs.flatMap((pair) => [pair.action, pair.source]));
  });
});
