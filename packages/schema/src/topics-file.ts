import { z } from "zod";

/**
 * config/topics.yaml (`ODZEW_TOPICS_FILE`): additions to, replacements of, and new topics for the
 * topic tagger in packages/nlp.
 *
 *   topics:
 *     - id: delivery            # a default topic: these words are ADDED to its default words
 *       pl: ["furgonetk*"]
 *     - id: price               # replace: true — these words REPLACE the default ones (both
 *       replace: true           # languages; an omitted list is empty, so no words = topic off)
 *       pl: ["cena", "ceny"]
 *       en: ["price*"]
 *     - id: loyalty-programme   # a new id: a NEW topic with exactly these words
 *       label: { pl: "Program lojalnościowy", en: "Loyalty programme" }   # shown in the workspace
 *       pl: ["karta lojalnościowa", "punkty"]
 *       en: ["loyalty*"]
 *
 * Word syntax: `word` exact, `stem*` any word starting with it (stem ≥ 3 letters), `two words` a
 * phrase of up to 4 words; case and diacritics are ignored (patterns are folded: lower case, "ł"
 * to "l", accents dropped). Merged with the defaults by taxonomyFrom() in packages/nlp.
 */

const MAX_PHRASE_WORDS = 4;
const MIN_STEM = 3;
const PATTERN_WORD = /[\p{L}\p{N}]+\*?/gu;

/** Lower case, Polish "ł" to "l", accents and other marks dropped ("Żabkę" → "zabke"): the topic tagger's folding. */
function foldPattern(pattern: string): string {
  return pattern.toLocaleLowerCase("pl").replace(/ł/g, "l").normalize("NFKD").replace(/\p{M}/gu, "");
}

/** The words of a pattern after folding, each possibly ending with `*`: what the tagger matches. */
export function topicPatternWords(pattern: string): string[] {
  return Array.from(foldPattern(pattern).matchAll(PATTERN_WORD), (match) => match[0]);
}

/** Why a topic pattern is not usable, or null when it is. */
export function checkTopicPattern(pattern: string): string | null {
  const parts = topicPatternWords(pattern);
  if (parts.length === 0) return `"${pattern}": no letters or digits`;
  if (parts.length > MAX_PHRASE_WORDS) return `"${pattern}": a phrase has at most ${MAX_PHRASE_WORDS} words`;
  if (/\*(?=[\p{L}\p{N}])/u.test(pattern)) return `"${pattern}": "*" may only end a word`;
  for (const part of parts) {
    if (part.endsWith("*") && part.length - 1 < MIN_STEM) return `"${pattern}": a stem needs at least ${MIN_STEM} letters`;
  }
  return null;
}

const topicIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, starting with a letter or digit");

const topicPatternSchema = z
  .string()
  .min(1)
  .max(200)
  .superRefine((pattern, ctx) => {
    const problem = checkTopicPattern(pattern);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  });

const topicLabelSchema = z
  .object({
    pl: z.string().trim().min(1).max(80).optional(),
    en: z.string().trim().min(1).max(80).optional(),
  })
  .strict()
  .refine((name) => name.pl !== undefined || name.en !== undefined, "give the label in pl, en or both, e.g. { pl: \"Dostawa\", en: \"Delivery\" }");

export const topicOverrideSchema = z.object({
  id: topicIdSchema,
  /** What people see in the workspace instead of the id; one language serves both when the other is missing. */
  label: topicLabelSchema.optional(),
  replace: z.boolean().optional(),
  pl: z.array(topicPatternSchema).max(2_000).default([]),
  en: z.array(topicPatternSchema).max(2_000).default([]),
});

export const topicsFileSchema = z
  .object({ topics: z.array(topicOverrideSchema).max(500).default([]) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.topics.forEach((topic, index) => {
      if (seen.has(topic.id)) ctx.addIssue({ code: "custom", message: `topic "${topic.id}" is listed twice`, path: ["topics", index, "id"] });
      seen.add(topic.id);
    });
  });

export type TopicsFileInput = z.input<typeof topicsFileSchema>;
export type TopicsFile = z.output<typeof topicsFileSchema>;

/** A topic's name as people read it, per workspace language. */
export interface TopicLabel {
  pl: string;
  en: string;
}

/** The labels of the tagger's default topics (packages/nlp DEFAULT_TOPIC_TAXONOMY; a test holds the two together). */
export const DEFAULT_TOPIC_LABELS: Readonly<Record<string, TopicLabel>> = {
  delivery: { pl: "Dostawa", en: "Delivery" },
  price: { pl: "Cena", en: "Price" },
  "customer-service": { pl: "Obsługa klienta", en: "Customer service" },
  "product-quality": { pl: "Jakość produktu", en: "Product quality" },
  "app-website": { pl: "Aplikacja i strona", en: "App and website" },
  payments: { pl: "Płatności", en: "Payments" },
  "returns-complaints": { pl: "Zwroty i reklamacje", en: "Returns and complaints" },
  "waiting-time": { pl: "Czas oczekiwania", en: "Waiting time" },
  staff: { pl: "Personel", en: "Staff" },
  store: { pl: "Sklep i placówka", en: "Store and branch" },
};

/**
 * The label of every topic that has one: the defaults', then the topics file's (a label there
 * replaces the default one; a label in one language serves both). Topics without a label are left
 * out: the workspace shows their id.
 */
export function topicLabelsOf(file?: TopicsFile): { id: string; label: TopicLabel }[] {
  const labels = new Map(Object.entries(DEFAULT_TOPIC_LABELS));
  for (const topic of file?.topics ?? []) {
    if (!topic.label) continue;
    const pl = topic.label.pl ?? topic.label.en ?? "";
    const en = topic.label.en ?? topic.label.pl ?? "";
    labels.set(topic.id, { pl, en });
  }
  return [...labels].map(([id, label]) => ({ id, label }));
}
