import { describe, expect, it } from "vitest";
import { messageBytes, splitByBytes, sendError } from "./codec.ts";
import { chunkMessages, payloadOf } from "./worker.ts";

describe("splitByBytes", () => {
  it("cuts sends by size, keeps order, and sends a message larger than the limit alone", () => {
    const sizes = [100, 300, 200, 900, 50, 50];
    const sends = splitByBytes(sizes.map((bytes, n) => ({ n, bytes })), 500);
    expect(sends.map((send) => send.map((entry) => entry.n))).toEqual([[0, 1], [2], [3], [4, 5]]);
  });

  it("counts key, JSON value and headers", () => {
    const overhead = messageBytes({ key: "", value: 1 }) - 1;
    expect(messageBytes({ key: "ab", value: { t: "ż" } })).toBe(overhead + 2 + Buffer.byteLength(JSON.stringify({ t: "ż" })));
    expect(messageBytes({ key: "a", value: 1, headers: { h: "vv" } })).toBe(overhead + 1 + 1 + 1 + 2);
  });
});

describe("sendError", () => {
  it("never retries a size refusal, and stops a fenced zombie", () => {
    expect(sendError("t", Object.assign(new Error("too large"), { type: "MESSAGE_TOO_LARGE" }))).toMatchObject({ code: "KAFKA_MESSAGE_TOO_LARGE", retryable: false });
    expect(sendError("t", Object.assign(new Error("fenced"), { type: "INVALID_PRODUCER_EPOCH" }))).toMatchObject({ code: "KAFKA_FENCED", retryable: false });
    expect(sendError("t", new Error("Connection timeout"))).toMatchObject({ code: "KAFKA_UNAVAILABLE", retryable: true });
  });
});

describe("payloadOf", () => {
  it("keeps a payload whole when it fits, and cuts one that does not with its size and hash", () => {
    expect(payloadOf(Buffer.from("{\"a\":1}"), 100)).toEqual({ value: "{\"a\":1}", encoding: "utf8" });
    const big = payloadOf(Buffer.from("x".repeat(1_000)), 100);
    expect(big.value).toHaveLength(100);
    expect(big.truncated).toMatchObject({ bytes: 1_000 });
    expect(big.truncated?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(payloadOf(Buffer.from([0xff, 0xfe, 0x00]), 100)).toMatchObject({ encoding: "base64" });
  });
});

describe("chunkMessages", () => {
  it("cuts by count and by bytes, in order, a large message alone", () => {
    const messages = [10, 10, 10, 100, 10, 10, 10].map((size, n) => ({ n, value: Buffer.alloc(size) }));
    expect(chunkMessages(messages, 2, 1_000).map((chunk) => chunk.map((message) => message.n))).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    expect(chunkMessages(messages, 10, 50).map((chunk) => chunk.map((message) => message.n))).toEqual([[0, 1, 2], [3], [4, 5, 6]]);
    expect(chunkMessages([], 10, 50)).toEqual([]);
  });
});
