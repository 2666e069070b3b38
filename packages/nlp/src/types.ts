export type SentimentLabel = "negative" | "neutral" | "positive";

/** Which evidence decided a label: the text alone, the stars alone, or both together. */
export type SentimentBasis = "text" | "rating" | "text+rating";

/** What every sentiment model answers: a label, a score in -1..1, and which model it was. */
export interface Sentiment {
  label: SentimentLabel;
  score: number;
  /** The lexicon or learned model that read the text (e.g. "lexicon-pl-2", "learned-pl-…"), or "stars" for a review of stars alone. */
  model: string;
  /** Which evidence decided the label; absent in answers of a text scorer alone. */
  basis?: SentimentBasis;
}
