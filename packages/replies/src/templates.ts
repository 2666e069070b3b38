import { TEMPLATE_VARIABLES, type RepliesFile, type ReplyTemplate, type SourceType } from "@odzew/schema";

/**
 * Reply templates: "Dziękujemy, {author}!" with the variables of TEMPLATE_VARIABLES and
 * `{name|fallback}`. Pure: rendering, checking a replies file, and suggesting templates for a
 * mention.
 */

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateVars = Partial<Record<TemplateVariable, string | undefined>>;

const KNOWN_VARIABLES: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);
const isTemplateVariable = (name: string): name is TemplateVariable => KNOWN_VARIABLES.has(name);

/** `{name}` or `{name|fallback}`; braces around anything else ("{:)}", "{ }") stay as they are. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}\n]*))?\}/g;

export interface TemplatePlaceholder {
  name: string;
  /** The text after `|`, when given (may be empty: `{author|}` drops the name). */
  fallback?: string;
  start: number;
  end: number;
}

export function templatePlaceholders(text: string): TemplatePlaceholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => ({
    name: match[1] ?? "",
    ...(match[2] !== undefined ? { fallback: match[2] } : {}),
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** The variables a template text uses, each once, in the order they first appear. */
export function templateVariables(text: string): string[] {
  return [...new Set(templatePlaceholders(text).map((placeholder) => placeholder.name))];
}

/** How the stores and sites are called in a reply ("Dziękujemy za opinię w {source}") and in messages. */
const SOURCE_LABELS: Partial<Record<string, string>> = {
  "app-store": "App Store",
  "app-store-connect": "App Store",
  "google-play": "Google Play",
  "google-business": "Google",
  "google-places": "Google",
  opineo: "Opineo",
  ceneo: "Ceneo",
  trustpilot: "Trustpilot",
  allegro: "Allegro",
  feed: "the feed",
  html: "the site",
  bluesky: "Bluesky",
  reddit: "Reddit",
  youtube: "YouTube",
  "facebook-page": "Facebook",
  x: "X",
};

export function sourceLabel(type: SourceType | string): string {
  return SOURCE_LABELS[type] ?? type;
}

// --- anonymous authors ----------------------------------------------------------------------

/**
 * Names the stores and sites show for an author who gave none: no one is greeted by them. Not the
 * list of `pseudonymiseAuthor` (packages/nlp): that one decides which names share the anonymous
 * pseudonym and is frozen (a change would move existing authors' pseudonyms and their erasures);
 * this one may grow, and also catches numbered and letterless placeholders ("anonim123", "***").
 */
const PLACEHOLDER_AUTHORS = new Set([
  "-", "--", "?", "n/a", "na", "brak", "none", "null", "undefined", "anonim", "anonimowy", "anonimowa", "anonimowe",
  "anonimowy uzytkownik", "anonimowy klient", "anonymous", "anon", "uzytkownik", "klient", "klientka", "gosc", "guest",
  "user", "customer", "uzytkownik google", "a google user", "google user", "app store user", "zweryfikowany klient",
  "zweryfikowana klientka", "verified customer", "verified buyer", "kupujacy", "kupujaca", "incognito",
]);

const fold = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "L")
    .toLocaleLowerCase("pl")
    .replace(/\s+/g, " ")
    .trim();

/**
 * Whether an author name is no name: empty, a store's placeholder ("A Google user", "Użytkownik
 * Google", "Anonim", "Klient", "anonim123"), or no letters at all ("***").
 */
export function isPlaceholderAuthor(name: string | undefined): boolean {
  if (name === undefined) return true;
  const folded = fold(name);
  if (folded.length === 0 || !/\p{L}/u.test(folded)) return true;
  if (PLACEHOLDER_AUTHORS.has(folded)) return true;
  return /^(anonim|anonimowy|anonymous|anon|uzytkownik|user|klient|customer|guest|gosc)[ _-]?\d+$/.test(folded);
}

// --- rendering ------------------------------------------------------------------------------

export type RenderResult = { text: string } | { missing: string[] };

/**
 * The template's text with its variables filled in. A variable without a value uses its fallback
 * (`{product|nasz produkt}`); without one it is missing, and the result names every missing
 * variable. The author is the exception: an anonymous or placeholder author ("Anonim", "A Google
 * user", empty) is never greeted by that name — the fallback is used, or, without one, the name
 * is left out with its comma ("Dzień dobry, {author}!" → "Dzień dobry!").
 */
export function renderTemplate(template: string | Pick<ReplyTemplate, "text">, vars: TemplateVars): RenderResult {
  const text = typeof template === "string" ? template : template.text;
  const missing: string[] = [];
  let out = "";
  let position = 0;
  let dropped: Dropped = "no";
  for (const placeholder of templatePlaceholders(text)) {
    out += continueAfter(text.slice(position, placeholder.start), dropped);
    dropped = "no";
    position = placeholder.end;
    const raw = isTemplateVariable(placeholder.name) ? vars[placeholder.name] : undefined;
    const value = placeholder.name === "author" && isPlaceholderAuthor(raw) ? undefined : raw?.trim() || undefined;
    if (value !== undefined) {
      out += value;
    } else if (placeholder.fallback !== undefined && placeholder.fallback.trim() !== "") {
      out += placeholder.fallback.trim();
    } else if (placeholder.name === "author") {
      const before = out.replace(/[ \t]*,?[ \t]*$/, "");
      if (before.length === 0 || /[\n.!?]$/.test(before)) {
        // The name began a sentence ("{author}, dziękujemy!"): its comma goes, the next word is capitalised.
        out = out.replace(/[ \t]*$/, "");
        dropped = "sentence-start";
      } else {
        // "Dziękujemy, {author}, za…": both commas of the aside go; "Dzień dobry {author}, …" keeps its comma.
        dropped = /,[ \t]*$/.test(out) ? "after-comma" : "no";
        out = before;
      }
    } else if (!missing.includes(placeholder.name)) {
      missing.push(placeholder.name);
    }
  }
  out += continueAfter(text.slice(position), dropped);
  if (missing.length > 0) return { missing };
  return { text: out.replace(/[ \t]{2,}/g, " ").trim() };
}

/** Where a name without a value was left out: what the text after it must drop. */
type Dropped = "no" | "sentence-start" | "after-comma";

function continueAfter(text: string, dropped: Dropped): string {
  if (dropped === "no") return text;
  if (dropped === "after-comma") return text.replace(/^,/, "");
  const rest = text.replace(/^[ \t]*,?[ \t]*/, "");
  const first = rest.charAt(0);
  return first.toLocaleUpperCase("pl") + rest.slice(1);
}

/** The mention fields the variables come from. */
export interface TemplateMention {
  source: { id: string; type: SourceType | string };
  author?: { name: string } | undefined;
  authorPseudonym?: string | undefined;
  rating?: { value: number } | undefined;
  details?: { subject?: string | undefined } | undefined;
}

/** The variables of one mention: the author only when the review names a person. */
export function templateVarsOf(mention: TemplateMention, brandName: string | undefined, agent: string | undefined): TemplateVars {
  const name = mention.author?.name;
  const named = name !== undefined && mention.authorPseudonym !== "a_anonymous" && !isPlaceholderAuthor(name);
  const rating = mention.rating?.value;
  return {
    author: named ? name.trim() : undefined,
    brand: brandName,
    product: mention.details?.subject,
    source: sourceLabel(mention.source.type),
    rating: rating !== undefined && Number.isFinite(rating) ? String(Math.round(rating * 10) / 10) : undefined,
    agent,
  };
}

// --- checking a replies file -----------------------------------------------------------------

/** A problem in replies.yaml: the path inside it (`templates[2].text`) and what to do. */
export interface TemplateProblem {
  path: (string | number)[];
  message: string;
}

/**
 * The checks of a replies file that its schema cannot make: variables a template uses that do
 * not exist, brands that do not exist, template and rule ids used twice, rules naming a template
 * that does not exist, and rules with two templates for the same language and brand (which one
 * would answer?).
 */
export function checkTemplates(file: RepliesFile, knownBrands: Iterable<string>): TemplateProblem[] {
  const brands = new Set(knownBrands);
  const problems: TemplateProblem[] = [];
  const byId = new Map<string, { template: ReplyTemplate; index: number }>();
  const known = [...TEMPLATE_VARIABLES].map((name) => `{${name}}`).join(", ");

  file.templates.forEach((template, index) => {
    const first = byId.get(template.id);
    if (first !== undefined) {
      problems.push({
        path: ["templates", index, "id"],
        message: `duplicate template id "${template.id}" (first used at templates[${first.index}]); give each template its own id`,
      });
    } else {
      byId.set(template.id, { template, index });
    }
    for (const name of templateVariables(template.text)) {
      if (KNOWN_VARIABLES.has(name)) continue;
      const near = TEMPLATE_VARIABLES.find((variable) => variable === name.toLowerCase());
      problems.push({
        path: ["templates", index, "text"],
        message: near
          ? `unknown variable {${name}}: variables are lowercase, write {${near}}`
          : `unknown variable {${name}}; use one of ${known} (with {name|fallback} for a fallback)`,
      });
    }
    if (template.brand !== undefined && !brands.has(template.brand)) {
      problems.push({
        path: ["templates", index, "brand"],
        message: `no brand "${template.brand}" in the brands file; use one of ${[...brands].map((brand) => `"${brand}"`).join(", ") || "the brands' ids"}, or leave brand out for every brand`,
      });
    }
  });

  const ruleIds = new Map<string, number>();
  file.rules.forEach((rule, index) => {
    const first = ruleIds.get(rule.id);
    if (first !== undefined) {
      problems.push({ path: ["rules", index, "id"], message: `duplicate rule id "${rule.id}" (first used at rules[${first}]); give each rule its own id` });
    } else {
      ruleIds.set(rule.id, index);
    }
    const scopes = new Map<string, string>();
    rule.templates.forEach((id, position) => {
      const found = byId.get(id);
      if (found === undefined) {
        problems.push({
          path: ["rules", index, "templates", position],
          message: `no template "${id}" in templates; add it there or use one of ${[...byId.keys()].map((known) => `"${known}"`).join(", ") || "the templates' ids"}`,
        });
        return;
      }
      const scope = `${found.template.lang}/${found.template.brand ?? ""}`;
      const other = scopes.get(scope);
      if (other !== undefined) {
        problems.push({
          path: ["rules", index, "templates", position],
          message: `templates "${other}" and "${id}" are both ${found.template.lang}${found.template.brand ? ` for brand ${found.template.brand}` : ""}: a rule has one template per language (and brand); keep one`,
        });
      } else {
        scopes.set(scope, id);
      }
    });
  });
  return problems;
}

// --- suggesting templates --------------------------------------------------------------------

/** The mention fields the picker looks at. */
export interface SuggestMention {
  lang?: string | undefined;
  brands?: readonly { id: string }[] | undefined;
  sentiment?: { label: "negative" | "neutral" | "positive" } | null | undefined;
  rating?: { value: number } | undefined;
  topics?: readonly string[] | undefined;
}

export interface SuggestedTemplate {
  template: ReplyTemplate;
  score: number;
  /** What matched: "positive", "5★", a topic, the brand. */
  matched: string[];
}

/**
 * Templates for a mention, best first: only templates in the mention's language and for its brand
 * (or every brand); a brand's own templates before the general ones; then by how well the
 * template's `suggest` fits — its sentiment (+2), its star rating (+2), each shared topic (+1);
 * a sentiment or rating the template is meant for that the mention does not have counts −1.
 * Ties keep the file's order, so the order is always the same.
 */
export function suggestTemplates(templates: readonly ReplyTemplate[], mention: SuggestMention, limit = 5): SuggestedTemplate[] {
  const brandIds = new Set((mention.brands ?? []).map((brand) => brand.id));
  const rating = mention.rating !== undefined ? Math.round(mention.rating.value) : undefined;
  const topics = new Set(mention.topics ?? []);
  const candidates = templates
    .map((template, index) => ({ template, index }))
    .filter(({ template }) => template.lang === mention.lang && (template.brand === undefined || brandIds.has(template.brand)))
    .map(({ template, index }) => {
      const matched: string[] = [];
      let score = 0;
      if (template.brand !== undefined) matched.push(template.brand);
      const suggest = template.suggest;
      if (suggest?.sentiment !== undefined && suggest.sentiment.length > 0) {
        const label = mention.sentiment?.label;
        if (label !== undefined && suggest.sentiment.includes(label)) {
          score += 2;
          matched.push(label);
        } else {
          score -= 1;
        }
      }
      if (suggest?.ratings !== undefined && suggest.ratings.length > 0) {
        if (rating !== undefined && suggest.ratings.includes(rating)) {
          score += 2;
          matched.push(`${rating}★`);
        } else {
          score -= 1;
        }
      }
      for (const topic of suggest?.topics ?? []) {
        if (topics.has(topic)) {
          score += 1;
          matched.push(topic);
        }
      }
      return { template, index, score, matched, own: template.brand !== undefined };
    });
  candidates.sort((a, b) => Number(b.own) - Number(a.own) || b.score - a.score || a.index - b.index);
  return candidates.slice(0, Math.max(0, limit)).map(({ template, score, matched }) => ({ template, score, matched }));
}
