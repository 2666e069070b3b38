import { repliesFileSchema, type ReplyTemplate } from "@odzew/schema";
import { describe, expect, it } from "vitest";
import { checkTemplates, isPlaceholderAuthor, renderTemplate, suggestTemplates, templateVariables, templateVarsOf } from "./templates.ts";

describe("renderTemplate", () => {
  it("fills in the variables", () => {
    expect(
      renderTemplate("Dzień dobry, {author}! Dziękujemy za {rating}★ dla {product} w {source}. Pozdrawiamy, {agent} z {brand}", {
        author: "Marta",
        rating: "5",
        product: "Żuraw Pro",
        source: "Google Play",
        agent: "Ala",
        brand: "Żuraw",
      }),
    ).toEqual({ text: "Dzień dobry, Marta! Dziękujemy za 5★ dla Żuraw Pro w Google Play. Pozdrawiamy, Ala z Żuraw" });
  });

  it("never greets a placeholder author by that name", () => {
    for (const author of ["Anonim", "A Google user", "Użytkownik Google", "Klient", "", "   ", "anonim123", "***", undefined]) {
      expect(renderTemplate("Dzień dobry, {author}!", { author })).toEqual({ text: "Dzień dobry!" });
      expect(renderTemplate("Dzień dobry, {author|Drogi Kliencie}!", { author })).toEqual({ text: "Dzień dobry, Drogi Kliencie!" });
    }
  });

  it("leaves out a nameless author with the words around it right", () => {
    expect(renderTemplate("{author}, dziękujemy za opinię!", {})).toEqual({ text: "Dziękujemy za opinię!" });
    expect(renderTemplate("Dziękujemy {author} za opinię.", {})).toEqual({ text: "Dziękujemy za opinię." });
    expect(renderTemplate("Dziękujemy, {author}, za opinię.", {})).toEqual({ text: "Dziękujemy za opinię." });
    expect(renderTemplate("Dzień dobry {author}, dziękujemy.", {})).toEqual({ text: "Dzień dobry, dziękujemy." });
    expect(renderTemplate("Hi {author},\nthanks for the review!", {})).toEqual({ text: "Hi,\nthanks for the review!" });
    expect(renderTemplate("Dzięki!\n{author}, wróć do nas.", {})).toEqual({ text: "Dzięki!\nWróć do nas." });
  });

  it("names every variable without a value or fallback", () => {
    expect(renderTemplate("Dziękujemy za opinię o {product} i {brand}; {product} wkrótce.", {})).toEqual({ missing: ["product", "brand"] });
    expect(renderTemplate("Dziękujemy za opinię o {product|naszym produkcie}.", {})).toEqual({ text: "Dziękujemy za opinię o naszym produkcie." });
    expect(renderTemplate("Hello {nickname}", { author: "Ann" })).toEqual({ missing: ["nickname"] });
  });

  it("keeps braces that are not variables", () => {
    expect(renderTemplate({ text: "Dziękujemy {:)} i { } do zobaczenia" }, {})).toEqual({ text: "Dziękujemy {:)} i { } do zobaczenia" });
  });
});

describe("templateVariables", () => {
  it("lists each variable once, in order, fallbacks included", () => {
    expect(templateVariables("{author|Kliencie}, {brand} dziękuje. {author} {Product}")).toEqual(["author", "brand", "Product"]);
  });
});

describe("isPlaceholderAuthor and templateVarsOf", () => {
  it("recognises the stores' placeholder names and keeps real ones", () => {
    expect(isPlaceholderAuthor("A Google User")).toBe(true);
    expect(isPlaceholderAuthor("ANONIM")).toBe(true);
    expect(isPlaceholderAuthor("Zweryfikowany klient")).toBe(true);
    expect(isPlaceholderAuthor("Gość")).toBe(true);
    expect(isPlaceholderAuthor("Anna Nowak")).toBe(false);
    expect(isPlaceholderAuthor("Klementyna")).toBe(false);
  });

  it("takes the variables from the mention", () => {
    expect(
      templateVarsOf(
        { source: { id: "play-app", type: "google-play" }, author: { name: " Marta " }, rating: { value: 4 }, details: { subject: "Żuraw Pro" } },
        "Żuraw",
        "Ala",
      ),
    ).toEqual({ author: "Marta", brand: "Żuraw", product: "Żuraw Pro", source: "Google Play", rating: "4", agent: "Ala" });
    expect(templateVarsOf({ source: { id: "o", type: "opineo" }, author: { name: "Jan" }, authorPseudonym: "a_anonymous" }, undefined, undefined).author).toBeUndefined();
  });
});

describe("checkTemplates", () => {
  const file = repliesFileSchema.parse({
    templates: [
      { id: "thanks-pl", name: "Podziękowanie", lang: "pl", text: "Dziękujemy, {author|}! {Brand} {nick}" },
      { id: "thanks-pl", name: "Duplikat", lang: "pl", text: "Dzięki" },
      { id: "thanks-pl-zuraw", name: "Żuraw", brand: "zuraw", lang: "pl", text: "Dziękujemy od {brand}" },
      { id: "thanks-en", name: "Thanks", brand: "nope", lang: "en", text: "Thank you" },
    ],
    rules: [
      { id: "five", team: "obsluga", when: { ratings: [5] }, templates: ["thanks-pl", "missing", "thanks-pl-zuraw", "thanks-pl"] },
      { id: "five", team: "obsluga", when: { noText: true }, templates: ["thanks-en"] },
    ],
  });

  it("finds each problem with its path and the fix", () => {
    const problems = checkTemplates(file, ["zuraw", "orlen"]);
    expect(problems).toEqual([
      { path: ["templates", 0, "text"], message: "unknown variable {Brand}: variables are lowercase, write {brand}" },
      { path: ["templates", 0, "text"], message: expect.stringMatching(/^unknown variable \{nick\}; use one of \{author\}, \{brand\}, \{product\}, \{source\}, \{rating\}, \{agent\}/) },
      { path: ["templates", 1, "id"], message: 'duplicate template id "thanks-pl" (first used at templates[0]); give each template its own id' },
      { path: ["templates", 3, "brand"], message: 'no brand "nope" in the brands file; use one of "zuraw", "orlen", or leave brand out for every brand' },
      { path: ["rules", 0, "templates", 1], message: expect.stringMatching(/^no template "missing" in templates; add it there or use one of "thanks-pl"/) },
      { path: ["rules", 0, "templates", 3], message: expect.stringMatching(/^templates "thanks-pl" and "thanks-pl" are both pl: a rule has one template per language/) },
      { path: ["rules", 1, "id"], message: 'duplicate rule id "five" (first used at rules[0]); give each rule its own id' },
    ]);
  });

  it("a good file has no problems", () => {
    const good = repliesFileSchema.parse({
      templates: [
        { id: "thanks-pl", name: "Podziękowanie", lang: "pl", text: "Dziękujemy, {author|Drogi Kliencie}!" },
        { id: "thanks-en", name: "Thanks", lang: "en", text: "Thank you, {author}!" },
      ],
      rules: [{ id: "five", team: "obsluga", when: { ratings: [5], noText: true }, templates: ["thanks-pl", "thanks-en"] }],
    });
    expect(checkTemplates(good, [])).toEqual([]);
  });
});

describe("suggestTemplates", () => {
  const template = (id: string, fields: Partial<ReplyTemplate> = {}): ReplyTemplate => ({ id, name: id, lang: "pl", text: "Dziękujemy", ...fields });
  const templates: ReplyTemplate[] = [
    template("generic-pl"),
    template("apology-delivery", { suggest: { sentiment: ["negative"], topics: ["dostawa"], ratings: [1, 2] } }),
    template("thanks-5", { suggest: { sentiment: ["positive"], ratings: [5] } }),
    template("thanks-en", { lang: "en", suggest: { sentiment: ["positive"] } }),
    template("orlen-thanks", { brand: "orlen", suggest: { sentiment: ["positive"] } }),
    template("zuraw-generic", { brand: "zuraw" }),
    template("apology-quality", { suggest: { sentiment: ["negative"], topics: ["jakość"] } }),
  ];

  it("a 1★ complaint about delivery: the brand's own template first, then the delivery apology", () => {
    const suggested = suggestTemplates(templates, { lang: "pl", brands: [{ id: "zuraw" }], sentiment: { label: "negative" }, rating: { value: 1 }, topics: ["dostawa"] }, 3);
    expect(suggested.map((entry) => entry.template.id)).toEqual(["zuraw-generic", "apology-delivery", "apology-quality"]);
    expect(suggested[1]?.matched).toEqual(["negative", "1★", "dostawa"]);
  });

  it("only the mention's language and brand; a deterministic order", () => {
    const mention = { lang: "pl", brands: [{ id: "zuraw" }], sentiment: { label: "positive" as const }, rating: { value: 5 }, topics: [] };
    const ids = suggestTemplates(templates, mention, 10).map((entry) => entry.template.id);
    // The apologies come last: meant for negative reviews (−1), the delivery one for 1–2★ too (−1 more).
    expect(ids).toEqual(["zuraw-generic", "thanks-5", "generic-pl", "apology-quality", "apology-delivery"]);
    expect(suggestTemplates([...templates].reverse(), mention, 10).map((entry) => entry.template.id).slice(0, 3)).toEqual(["zuraw-generic", "thanks-5", "generic-pl"]);
    expect(suggestTemplates(templates, { ...mention, lang: "de" }, 10)).toEqual([]);
    expect(suggestTemplates(templates, mention, 2)).toHaveLength(2);
  });
});
