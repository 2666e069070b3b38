import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scoreEnglish } from "./sentiment.en.ts";

const label = (text: string): string => scoreEnglish(text).label;
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("scoreEnglish", () => {
  it("uses AFINN words with stems", () => {
    expect(scoreEnglish("Great product, works perfectly.")).toMatchObject({ label: "positive", model: "afinn-en-1" });
    expect(label("Terrible, broken and useless.")).toBe("negative");
    expect(label("I loved it")).toBe("positive");
    expect(scoreEnglish("The parcel arrived on Thursday.")).toEqual({ label: "neutral", score: 0, model: "afinn-en-1" });
  });

  it("handles negation", () => {
    expect(label("Not good.")).toBe("negative");
    expect(label("Not bad at all.")).toBe("positive");
    expect(label("Never again!")).toBe("negative");
    expect(label("Don't buy this.")).toBe("negative");
    expect(label("Don’t buy this.")).toBe("negative");
    expect(label("I would not recommend it.")).toBe("negative");
    expect(label("It doesn't work.")).toBe("negative");
    // The negation ends at punctuation.
    expect(label("No. Great phone.")).toBe("positive");
  });

  it("lets the clause after a contrast weigh more", () => {
    expect(label("Nice design but it broke after a week.")).toBe("negative");
    expect(label("A bit slow, but excellent.")).toBe("positive");
  });

  it("prints nothing when imported (natural's main entry would load dotenv)", () => {
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", 'await import("./packages/nlp/src/sentiment.en.ts")'], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe("");
  });
});
