import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { teamSchema } from "@odzew/schema";
import { testLogger } from "@odzew/testing";
import { RepliesConfig, repliesFilePath } from "./replies-config.ts";

const teams = [teamSchema.parse({ id: "service", name: "Obsługa", keys: [{ env: "K" }], view: "full", actions: ["reply"] })];
const yaml = (text: string) => ["templates:", "  - id: thanks-pl", "    name: Dzięki", "    lang: pl", `    text: '${text}'`, "rules: []"].join("\n");

describe("the replies file in the API", () => {
  it("reloads a changed file; a bad change is refused and the previous templates stay in force", async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-replies-"));
    const file = join(dir, "replies.yaml");
    await writeFile(file, yaml("Dziękujemy, {author}!"));
    const config = await RepliesConfig.load(file, () => ({ teams, brands: undefined }), testLogger("replies"));
    expect(config.current.templates[0]?.text).toBe("Dziękujemy, {author}!");

    await writeFile(file, yaml("Dziękujemy, {autor}!"));
    expect(await config.reload()).toBe(false);
    expect(config.current.templates[0]?.text).toBe("Dziękujemy, {author}!");

    await writeFile(file, yaml("Dzięki, {author|Drogi Kliencie}!"));
    expect(await config.reload()).toBe(true);
    expect(config.current.templates[0]?.text).toBe("Dzięki, {author|Drogi Kliencie}!");
  });

  it("refuses to start with a bad file, naming the file, line and fix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "odzew-replies-"));
    const file = join(dir, "replies.yaml");
    await writeFile(file, yaml("Dziękujemy, {Author}!"));
    await expect(RepliesConfig.load(file, () => ({ teams, brands: undefined }), testLogger("replies"))).rejects.toThrow(`${file}:5: templates[0].text: unknown variable {Author}: variables are lowercase, write {author}`);
  });

  it("reads the named file, else config/replies.yaml when there is one, else none (no templates, no rules)", async () => {
    expect(repliesFilePath("config/demo/replies.yaml")).toBe("config/demo/replies.yaml");
    expect(repliesFilePath(undefined, "/nonexistent/replies.yaml")).toBeUndefined();
    const none = await RepliesConfig.load(undefined, () => ({ teams, brands: undefined }), testLogger("replies"));
    expect(none.current).toEqual({ templates: [], rules: [] });
  });
});
