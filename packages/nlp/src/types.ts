export type SentimentLabel = "negative" | "neutral" | "positive";

/** What every sentiment model answers: a label, a score in -1..1, and which model it was. */
export interface Sentiment {
  label: SentimentLabel;
  score: number;
  model: string;
}
