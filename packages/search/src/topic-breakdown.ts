/**
 * Top topics counted per aspect: each topic of a mention with the sentiment of the clause that
 * carries it (`aspects`, see @odzew/nlp aspects.ts), not the mention's one label. A mention
 * "Książka dobra, ale dostawa trwała dwa tygodnie" counts once for product-quality positive and
 * once for delivery negative. Mentions indexed before aspects existed count as before: each of
 * their topics with the mention's sentiment. Pure: the engine query parts and the reading of the
 * answer; TeamSearch runs them.
 */

type Clause = Record<string, unknown>;

/** How many topics each part asks the engine for before the two are merged and cut: more than any taxonomy has. */
export const TOPIC_BUCKETS = 200;

/** One value of a breakdown with its count per sentiment label. */
export interface SentimentBucket {
  key: string;
  count: number;
  sentiment: Record<string, number>;
}

/** What a breakdown answers per value: its count, share, sentiment counts and net sentiment. */
export interface BreakdownItem extends SentimentBucket {
  /** Of all counted values (a mention with several topics counts for each). */
  share: number;
  /** (positive − negative) / count. */
  net: number;
}

interface TermsAgg<T = unknown> {
  buckets: ({ key: string | number; doc_count: number } & T)[];
  sum_other_doc_count?: number;
}
type SentimentTerms = TermsAgg<{ sentiment?: TermsAgg }>;

/** The mention has aspects (written flat into the mention by the mapping's `include_in_parent`). */
const HAS_ASPECTS: Clause = { exists: { field: "aspects.topic" } };

/**
 * The engine parts of a per-aspect topic breakdown: an extra filter for the mentions (only when
 * labels are asked for: a mention with an aspect of one of them, or an older mention of one of
 * them) and the two aggregations, per aspect (nested) and per mention for older mentions.
 */
export function topicBreakdownRequest(labels: readonly string[] | undefined): { filter: Clause[]; aggs: Clause } {
  const wanted = labels && labels.length > 0 ? [...labels] : undefined;
  const terms = (field: string, label: string): Clause => ({
    terms: { field, size: TOPIC_BUCKETS },
    aggs: { sentiment: { terms: { field: label, size: 3 } } },
  });
  const perAspect = terms("aspects.topic", "aspects.label");
  return {
    filter: wanted
      ? [
          {
            bool: {
              should: [{ terms: { "aspects.label": wanted } }, { bool: { must_not: [HAS_ASPECTS], filter: [{ terms: { "sentiment.label": wanted } }] } }],
              minimum_should_match: 1,
            },
          },
        ]
      : [],
    aggs: {
      aspects: {
        nested: { path: "aspects" },
        aggs: wanted ? { wanted: { filter: { terms: { "aspects.label": wanted } }, aggs: { top: perAspect } } } : { top: perAspect },
      },
      older: { filter: { bool: { must_not: [HAS_ASPECTS] } }, aggs: { top: terms("topics", "sentiment.label") } },
    },
  };
}

function bucketsOf(agg: SentimentTerms | undefined): { buckets: SentimentBucket[]; other: number } {
  return {
    buckets: (agg?.buckets ?? []).map((bucket) => ({
      key: String(bucket.key),
      count: bucket.doc_count,
      sentiment: Object.fromEntries((bucket.sentiment?.buckets ?? []).map((entry) => [String(entry.key), entry.doc_count])),
    })),
    other: agg?.sum_other_doc_count ?? 0,
  };
}

/** Buckets of the same keys added up, largest first, then by key (the engine's own order). */
export function mergeSentimentBuckets(...lists: SentimentBucket[][]): SentimentBucket[] {
  const merged = new Map<string, SentimentBucket>();
  for (const list of lists) {
    for (const bucket of list) {
      const held = merged.get(bucket.key);
      if (!held) {
        merged.set(bucket.key, { key: bucket.key, count: bucket.count, sentiment: { ...bucket.sentiment } });
        continue;
      }
      held.count += bucket.count;
      for (const [label, count] of Object.entries(bucket.sentiment)) held.sentiment[label] = (held.sentiment[label] ?? 0) + count;
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** Shares (of everything counted, `other` included) and net sentiment of the buckets shown. */
export function breakdownItems(buckets: SentimentBucket[], other: number): BreakdownItem[] {
  const counted = buckets.reduce((sum, bucket) => sum + bucket.count, 0) + other;
  return buckets.map((bucket) => {
    const net = bucket.count === 0 ? 0 : ((bucket.sentiment.positive ?? 0) - (bucket.sentiment.negative ?? 0)) / bucket.count;
    return { ...bucket, share: counted === 0 ? 0 : round(bucket.count / counted), net: round(net) };
  });
}

/** The top `size` topics of the engine's answer to `topicBreakdownRequest`: aspects and older mentions added up. */
export function readTopicBreakdown(aggregations: Record<string, unknown> | undefined, size: number): BreakdownItem[] {
  const nested = aggregations?.aspects as { top?: SentimentTerms; wanted?: { top?: SentimentTerms } } | undefined;
  const aspects = bucketsOf(nested?.wanted?.top ?? nested?.top);
  const older = bucketsOf((aggregations?.older as { top?: SentimentTerms } | undefined)?.top);
  const merged = mergeSentimentBuckets(aspects.buckets, older.buckets);
  const shown = merged.slice(0, size);
  const cut = merged.slice(size).reduce((sum, bucket) => sum + bucket.count, 0);
  return breakdownItems(shown, cut + aspects.other + older.other);
}
