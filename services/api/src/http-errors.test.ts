import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OdzewError } from "@odzew/core";
import { SearchRequestError } from "@odzew/search";
import { HttpError, errorAnswer, parseInput, refusedQuery } from "./http-errors.ts";

describe("errors as HTTP answers", () => {
  it("answers a route's own error as it is, without a log line", () => {
    expect(errorAnswer(new HttpError(404, "NOT_FOUND", "no such mention"))).toEqual({ status: 404, body: { error: { code: "NOT_FOUND", message: "no such mention" } } });
  });

  it("answers an engine refusal of the request's query 400 without the engine's words, which only the log gets", () => {
    const tooBig = new SearchRequestError("POST", "/x/_search", 500, { error: { type: "search_phase_execution_exception", root_cause: [{ type: "too_many_clauses" }] } });
    const answer = errorAnswer(tooBig);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain("too_many_clauses");
    expect(answer.log?.level).toBe("warn");
    expect(errorAnswer(new SearchRequestError("POST", "/x/_search", 400, { error: { type: "x_content_parse_exception" } })).status).toBe(400);
  });

  it("answers an engine that cannot answer 503, bad input from the core 400, anything else 500 with the details in the log only", () => {
    expect(errorAnswer(new SearchRequestError("POST", "/x/_search", 503, undefined)).body.error.code).toBe("SEARCH_UNAVAILABLE");
    expect(errorAnswer(new SearchRequestError("POST", "/x/_search", 429, undefined)).status).toBe(503);
    expect(errorAnswer(new OdzewError("MESSAGE_INVALID", "q: at most 500 characters"))).toEqual({ status: 400, body: { error: { code: "BAD_REQUEST", message: "q: at most 500 characters" } } });
    const unexpected = errorAnswer(new Error("secret internals"));
    expect(unexpected.status).toBe(500);
    expect(JSON.stringify(unexpected.body)).not.toContain("secret");
    expect(unexpected.log).toMatchObject({ level: "error", message: expect.stringContaining("secret internals") });
    expect(errorAnswer(Object.assign(new Error("body too large"), { statusCode: 413 })).status).toBe(413);
    // A heavy read its client left: no answer anyone reads, and nothing to log.
    const gone = new AbortController();
    gone.abort();
    let aborted: unknown;
    try {
      gone.signal.throwIfAborted();
    } catch (error) {
      aborted = error;
    }
    expect(errorAnswer(aborted)).toEqual({ status: 499, body: { error: { code: "CLIENT_CLOSED", message: "the client closed the request before its answer" } } });
  });

  it("tells a refused query from an engine in trouble", () => {
    expect(refusedQuery({ status: 404, body: undefined })).toBe(false);
    expect(refusedQuery({ status: 429, body: undefined })).toBe(false);
    expect(refusedQuery({ status: 500, body: { error: { type: "x", caused_by: { type: "too_many_buckets_exception" } } } })).toBe(true);
    expect(refusedQuery({ status: 500, body: { error: { type: "node_disconnected_exception" } } })).toBe(false);
  });

  it("names every bad parameter of a request", () => {
    expect(() => parseInput(z.strictObject({ size: z.coerce.number().max(100) }), { size: "500", extra: "1" }, "query")).toThrow(/size: .*; .*extra/);
  });
});
