import { z } from "zod";
import { checkTopicPattern, type TopicsFile } from "./topics.ts";

/**
 * config/topics.yaml: additions to, replacements of, and new topics for the topic tagger.
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
 * Word syntax (see topics.ts): `word` exact, `stem*` any word starting with it (stem ≥ 3 letters),
 * `two words` a phrase of up to 4 words; case and Polish diacritics are ignored.
 * Merged with the defaults by taxonomyFrom() in topics.ts.
 */
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
export type ParsedTopicsFile = z.output<typeof topicsFileSchema>;

// What the schema produces is what taxonomyFrom() takes.
const _fits: (file: ParsedTopicsFile) => TopicsFile = (file) => file;
void _fits;
