import { counter, describeError, gauge, type Logger } from "@odzew/core";
import { parseSentimentModelFile, type Enricher, type SentimentModelFile } from "@odzew/nlp";
import { SENTIMENT_MODEL_FAMILY, type ModelPromotion } from "@odzew/schema";

/**
 * The enricher's model hot-swap: it follows the models topic (a table of the latest promotion per
 * family) and, when the Polish sentiment model promoted there is not the one in use, builds the
 * enrichment again with it. Mentions enriched from then on carry the new model's id in
 * `sentiment.model`; nothing restarts.
 */

/** Which promotion is in use: its version and content hash (a rollback brings back an older version). */
export interface InUse {
  version: number;
  sha256: string;
}

/** Pure: whether a promotion on the topic should replace the model in use (and not one already refused). */
export function shouldSwap(inUse: InUse | undefined, promoted: ModelPromotion | undefined, refused: ReadonlySet<string>): promoted is ModelPromotion {
  if (!promoted) return false;
  if (refused.has(promoted.sha256)) return false;
  return !inUse || inUse.version !== promoted.version || inUse.sha256 !== promoted.sha256;
}

export interface ModelSwitch {
  /** The enrichment to use now: checks the table (a map lookup) and swaps when a new model was promoted. */
  current(): Enricher;
  /** The promoted version in use; undefined while the starting model (lexicon or file) is. */
  version(): number | undefined;
}

export function createModelSwitch(options: {
  /** The models topic as a table (key = family). */
  promotions: { get(family: string): ModelPromotion | undefined };
  /** The enrichment with a given Polish model (or with the starting one). */
  build(model: SentimentModelFile | undefined): Enricher;
  /** The enrichment before any promotion is seen: with `ODZEW_SENTIMENT_MODEL_FILE` or the lexicon. */
  initial: Enricher;
  logger: Logger;
}): ModelSwitch {
  const logger = options.logger.child({ scope: "models" });
  const swaps = counter({ name: "enricher_model_swaps_total", help: "Times the enricher swapped to a model promoted on the models topic." });
  const versionGauge = gauge({
    name: "enricher_sentiment_model_version",
    help: "Version of the promoted Polish sentiment model in use (0: none promoted yet, the lexicon or ODZEW_SENTIMENT_MODEL_FILE).",
  });
  versionGauge.set(0);
  let enricher = options.initial;
  let inUse: InUse | undefined;
  const refused = new Set<string>();
  return {
    current() {
      const promoted = options.promotions.get(SENTIMENT_MODEL_FAMILY);
      if (!shouldSwap(inUse, promoted, refused)) return enricher;
      try {
        const next = options.build(parseSentimentModelFile(promoted.model));
        enricher = next;
        inUse = { version: promoted.version, sha256: promoted.sha256 };
        swaps.inc();
        versionGauge.set(promoted.version);
        logger.info(
          { family: promoted.family, version: promoted.version, model: promoted.modelId, reason: promoted.reason, sentiment: next.sentimentModel },
          `sentiment model swapped: version ${promoted.version} (${promoted.modelId}) for the mentions enriched from now on`,
        );
      } catch (error) {
        // A broken record never stops the enricher: the model in use stays, and the record is named once.
        refused.add(promoted.sha256);
        logger.error({ family: promoted.family, version: promoted.version }, `promoted model refused, keeping the one in use: ${describeError(error)}`);
      }
      return enricher;
    },
    version: () => inUse?.version,
  };
}
