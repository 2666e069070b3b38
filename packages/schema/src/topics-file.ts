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

export const topicOverrideSchema = z.object({
  id: topicIdSchema,
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
