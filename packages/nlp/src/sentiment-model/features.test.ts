import { describe, expect, it } from "vitest";
import { fold, words } from "../tokenize.ts";
import { modelNegatedTokens, modelTokens } from "./features.ts";

describe("sentiment model features", () => {
  it("reads words exactly as the tokenizer does, folded", () => {
    const text = "Żółć gęślą jaźń! NIE polecam 👍 ❤️ rock'n'roll 2x ½ Zażółć, 'cytat' o’clock";
    expect(modelTokens(text)).toEqual(words(text).map(fold));
  });

  it("marks the words after a negator, up to a punctuation mark, as negated", () => {
    expect(modelNegatedTokens("Nie jest to zbyt dobry produkt, ale cena niska.")).toEqual(["jest", "to", "zbyt"]);
    expect(modelNegatedTokens("Produkt bez wad. Polecam")).toEqual(["wad"]);
    expect(modelNegatedTokens("Żadnych problemów, wszystko działa.")).toEqual(["problemow"]);
    expect(modelNegatedTokens("Sprzedawca nie odpisuje na maile i nie wysłał towaru")).toEqual(["odpisuje", "na", "maile", "wyslal", "towaru"]);
    // "Niestety" and "nieduży" start like "nie" but negate nothing.
    expect(modelNegatedTokens("Niestety nieduży plecak, polecam")).toEqual([]);
  });
});
