import { describe, expect, it } from "vitest";
import { replyLength } from "../../../../../packages/schema/src/replies.ts";
import type { ReplyView } from "../../types.ts";
import { bodyFor, countOf, measure, stepsFor } from "./reply.ts";

type Reply = NonNullable<ReplyView["reply"]>;
const reply = (status: Reply["status"], text = "Dziękujemy!"): Reply => ({
  version: 1,
  status,
  operation: "post",
  channel: "api",
  text,
  draftedBy: "Ola",
  draftedAt: "2026-11-20T08:00:00.000Z",
  failures: 0,
});
const PLAY: ReplyView["capability"] = { canReply: true, maxLength: 350, canDelete: true };
const THERE: ReplyView["capability"] = { canReply: false, reason: "the shop has no reply API" };
const ALL = { reply: true, approve: true };

describe("the reply's length", () => {
  it("counts as the API counts: code points, or UTF-8 bytes", () => {
    for (const text of ["", "Dzień dobry 👋🏽", "zażółć gęślą jaźń", "a\u0301", "👨‍👩‍👧"]) {
      expect(measure(text), text).toBe(replyLength(text));
      expect(measure(text, "bytes"), text).toBe(replyLength(text, "bytes"));
    }
  });

  it("is the trimmed text against the store's limit", () => {
    expect(countOf("  ąę  ", { canReply: true, maxLength: 3, canDelete: false, lengthUnit: "bytes" })).toEqual({ length: 4, limit: 3, unit: "bytes", over: 1 });
    expect(countOf("abc", PLAY)).toEqual({ length: 3, limit: 350, unit: "characters", over: 0 });
    expect(countOf("abc", THERE)).toEqual({ length: 3, unit: "characters", over: 0 });
  });
});

describe("the steps the composer offers", () => {
  it("follows the reply's state", () => {
    expect(stepsFor({ capability: PLAY }, ALL)).toEqual(["send", "draft"]);
    expect(stepsFor({ capability: PLAY, reply: reply("draft") }, ALL)).toEqual(["send", "draft", "discard"]);
    expect(stepsFor({ capability: PLAY, reply: reply("awaiting-approval") }, ALL)).toEqual(["approve", "draft", "discard"]);
    expect(stepsFor({ capability: PLAY, reply: reply("queued") }, ALL)).toEqual([]);
    expect(stepsFor({ capability: PLAY, reply: reply("failed") }, ALL)).toEqual(["send", "draft", "retry", "discard"]);
    expect(stepsFor({ capability: PLAY, reply: reply("confirmed") }, ALL)).toEqual(["send", "draft", "delete"]);
  });

  it("records a reply written at the source where Odzew cannot post", () => {
    expect(stepsFor({ capability: THERE }, ALL)).toEqual(["draft", "record"]);
  });

  it("offers approval only to a team that may approve", () => {
    expect(stepsFor({ capability: PLAY, reply: reply("awaiting-approval") }, { reply: true, approve: false })).toEqual(["draft", "discard"]);
    expect(stepsFor({ capability: PLAY, reply: reply("awaiting-approval") }, { reply: false, approve: true })).toEqual(["approve"]);
  });
});

describe("what a step sends", () => {
  it("needs the agent's name and, to write, a text", () => {
    expect(bodyFor("send", { actor: " ", typed: "Hej" })).toEqual({ missing: "actor" });
    expect(bodyFor("draft", { actor: "Ola", typed: "  " })).toEqual({ missing: "text" });
    expect(bodyFor("send", { actor: "Ola", typed: "" })).toEqual({ missing: "text" });
  });

  it("sends the text typed, with its template, and an unchanged draft as that version", () => {
    expect(bodyFor("send", { actor: " Ola ", typed: " Dzięki ", template: "thanks-pl" })).toEqual({ body: { action: "send", actor: "Ola", text: "Dzięki", template: "thanks-pl" } });
    expect(bodyFor("send", { actor: "Ola", typed: "Dziękujemy!", reply: reply("draft") })).toEqual({ body: { action: "send", actor: "Ola" } });
    expect(bodyFor("send", { actor: "Ola", typed: "Dziękujemy bardzo!", reply: reply("draft") })).toEqual({ body: { action: "send", actor: "Ola", text: "Dziękujemy bardzo!" } });
    expect(bodyFor("approve", { actor: "Ewa", typed: "Dziękujemy!", reply: reply("awaiting-approval") })).toEqual({ body: { action: "approve", actor: "Ewa" } });
    expect(bodyFor("record", { actor: "Ola", typed: "Odpisałam w sklepie" })).toEqual({ body: { action: "record", actor: "Ola", text: "Odpisałam w sklepie" } });
  });
});
