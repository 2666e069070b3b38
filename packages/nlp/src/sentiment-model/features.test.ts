import { describe, expect, it } from "vitest";
import { fold, words } from "../tokenize.ts";
import { modelEdgeTokens, modelNegatedTokens, modelTokens } from "./features.ts";

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

  it("gives the words of the first and the last sentence features of their own", () => {
    expect(modelEdgeTokens("Słaba antena. U mnie na parterze łapie 7 programów! Nie polecam.")).toEqual({ first: ["slaba", "antena"], last: ["nie", "polecam"] });
    // Commas end a negation's scope, not a sentence; line breaks end both.
    expect(modelEdgeTokens("Działa, ale głośno\nDrugi raz bym nie kupił")).toEqual({ first: ["dziala", "ale", "glosno"], last: ["drugi", "raz", "bym", "nie", "kupil"] });
    // One sentence has only a first one; marks before the first word open no sentence.
    expect(modelEdgeTokens("...Super produkt polecam!")).toEqual({ first: ["super", "produkt", "polecam"], last: [] });
  });
});
