import { z } from "zod";

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lowercase letters, digits and dashes (e.g. my-brand), at most 63 characters");

// ---------------------------------------------------------------------------------------------
// brands.yaml
// ---------------------------------------------------------------------------------------------
export const brandSchema = z.strictObject({
  id,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).min(1, "list at least one alias, e.g. the brand name itself"),
  context: z.array(z.string().min(1)).optional(),
  exclude: z.array(z.string().min(1)).optional(),
});
export const brandsFileSchema = z.strictObject({
  brands: z.array(brandSchema).superRefine(uniqueIds("brand")),
});
export type BrandConfig = z.infer<typeof brandSchema>;
export type BrandsFile = z.infer<typeof brandsFileSchema>;

// ---------------------------------------------------------------------------------------------
// sources.yaml
// ---------------------------------------------------------------------------------------------

/** `css selector` for an element's text, `css selector@attribute` for an attribute, `@attribute` on the item itself. */
const selector = z
  .string()
  .min(1)
  .regex(/^[^@]*(@[a-zA-Z_:][-a-zA-Z0-9_:.]*)?$/, 'a CSS selector, optionally followed by "@attribute"');

const cronExpression = z
  .string()
  .regex(
    /^\s*(\S+\s+){4,5}\S+\s*$/,
    'a cron expression with 5 or 6 fields, e.g. "*/15 * * * *" (every 15 minutes) or "*/30 * * * * *" (every 30 seconds)',
  );

const sourceLimits = z
  .strictObject({
    maxPages: z.number().int().min(1).max(1000).default(10),
    maxItemsPerPoll: z.number().int().min(1).max(100_000).default(1000),
  })
  .default({ maxPages: 10, maxItemsPerPoll: 1000 });

const sourceBase = {
  id,
  brands: z.array(id).default([]),
  schedule: cronExpression,
  enabled: z.boolean().default(true),
  limits: sourceLimits,
};

export const htmlSelectorsSchema = z.strictObject({
  item: selector,
  id: selector,
  text: selector,
  title: selector.optional(),
  author: selector.optional(),
  /** Required: a review's date keeps its id in one time-based index, however often it is collected. */
  date: selector,
  rating: selector.optional(),
  ratingScale: z.tuple([z.number(), z.number()]).default([1, 5]),
  link: selector.optional(),
  nextPage: selector.optional(),
});

export const htmlSourceSchema = z.strictObject({
  ...sourceBase,
  type: z.literal("html"),
  url: z.url({ protocol: /^https?$/, message: "an http(s) URL of the first page" }),
  /** ISO 639-1 code when every page of the site is in one language. */
  lang: z.string().min(2).max(8).optional(),
  selectors: htmlSelectorsSchema,
});

export const sourceConfigSchema = z.discriminatedUnion("type", [htmlSourceSchema], {
  error: (issue) =>
    issue.code === "invalid_union" ? 'unknown source type; supported types: "html"' : undefined,
});
export const sourcesFileSchema = z.strictObject({
  sources: z.array(sourceConfigSchema).superRefine(uniqueIds("source")),
});
export type HtmlSourceConfig = z.infer<typeof htmlSourceSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SourcesFile = z.infer<typeof sourcesFileSchema>;

// ---------------------------------------------------------------------------------------------
// teams.yaml
// ---------------------------------------------------------------------------------------------
export const apiKeySchema = z.union([
  z.strictObject({
    sha256: z.string().regex(/^[a-f0-9]{64}$/, "the SHA-256 of the key as 64 lowercase hex characters"),
  }),
  z.strictObject({
    env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "the name of an environment variable holding the key"),
  }),
]);

export const sliceSchema = z
  .strictObject({
    brands: z.array(id).optional(),
    sources: z.array(id).optional(),
    languages: z.array(z.string().min(2).max(8)).optional(),
    sentiment: z.array(z.enum(["negative", "neutral", "positive"])).optional(),
    /** Only mentions published in this window, e.g. "90d"; days only. */
    window: z.string().regex(/^\d+d$/, 'a number of days, e.g. "90d"').optional(),
  })
  .default({});

export const teamSchema = z.strictObject({
  id,
  name: z.string().min(1),
  keys: z.array(apiKeySchema).min(1, "give the team at least one API key (sha256 or env)"),
  slice: sliceSchema,
});
export const teamsFileSchema = z.strictObject({
  teams: z.array(teamSchema).min(1).superRefine(uniqueIds("team")),
});
export type TeamConfig = z.infer<typeof teamSchema>;
export type TeamSlice = z.infer<typeof sliceSchema>;
export type TeamsFile = z.infer<typeof teamsFileSchema>;

function uniqueIds(what: string) {
  return (items: { id: string }[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const first = seen.get(item.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [index, "id"],
          message: `duplicate ${what} id "${item.id}" (first used at index ${first}); ids must be unique`,
        });
      } else {
        seen.set(item.id, index);
      }
    });
  };
}
