import { LEXICON_SCORER, textSentiment, type PolishScorer, type TextReading } from "./sentiment.ts";
import type { TopicReading, TopicTagger } from "./topics.ts";
import type { Sentiment, SentimentLabel } from "./types.ts";

/**
 * Aspect sentiment: for each topic a mention talks about, the sentiment of the clause that
 * carries it. "Książka dobra, ale dostawa trwała dwa tygodnie" is product-quality positive and
 * delivery negative, where the mention as a whole is one label. Pure: no I/O, the topic tagger
 * and the text scorers (sentiment.ts) are passed in or imported, never copied.
 *
 * How a text is cut (`splitClauses`, then the soft cuts inside `aspectSentiments`):
 *   1. Sentences end at `.`, `!`, `?`, `…` followed by a space or the end, and at a new line; the
 *      title is a sentence of its own.
 *   2. Hard cuts, inside a sentence: contrast and concession words wherever they stand (ale,
 *      lecz, chociaż/choć, mimo że/iż, aczkolwiek, but, although, though), words that contrast
 *      only after a comma (", jednak", ", natomiast", ", za to", ", zaś", ", however",
 *      ", whereas", ", while"; "Dostawa natomiast…" stays one clause), ", a" (not "a także",
 *      "a potem"), `;` and a dash between spaces (" - ", " – ", " — "). A sentence that opens
 *      with a contrast word ("Ale dostawa…") is contrasted with the sentence before it; one that
 *      opens with a concession ("Choć drogo, jakość świetna") ends its first clause at the first
 *      comma. Clauses joined by a contrast or concession word form a contrast group; ", a", `;`
 *      and dashes cut without one (they often add or explain: "Płatność nie przeszła, a
 *      pieniądze zniknęły", "Zwrot bez problemu - pieniądze wróciły po czterech dniach").
 *   3. Soft cuts, inside a hard clause: commas and "i", "oraz", "a", "and". A part that names a
 *      topic starts a new sub-clause; a part that names none belongs to the sub-clause before it
 *      (or, at the start, the one after it): "Dostawa szybka, obsługa fatalna" is two sub-clauses,
 *      "Kurier, który przyjechał, był miły" one.
 *
 * What each topic gets:
 *   - The whole text is one clause: the mention's own label and score (with its stars).
 *   - Otherwise each sub-clause is scored by the language's scorer (`textSentiment`: the Polish
 *     lexicon or learned model, AFINN for English, complaint events included); a sub-clause
 *     without evidence (score 0) borrows the score of its hard clause ("Szybka dostawa i
 *     obsługa": customer-service gets the clause's positive). A topic in several clauses takes the
 *     clause with the strongest evidence (largest |score|; on a tie the later clause, the usual
 *     place of the verdict): an average would turn "dostawa szybka … dostawa zgubiła paczkę"
 *     into a neutral nobody wrote. A topic whose clauses carry no evidence is neutral (score 0).
 *   - The unnamed side of a contrast is the product: in a contrast group where one clause names a
 *     topic, a clause that names none but carries a clear (non-neutral) sentiment is about the
 *     thing bought ("Książka dobra, ale dostawa…", "Fast shipping but the book is falling apart"),
 *     and counts for `productTopic` (product-quality by default). Outside a contrast (a closing
 *     "Polecam!") an untopical clause gives no aspect.
 * One entry per topic, sorted by topic id: every topic of the mention, plus the product topic
 * where the contrast rule found it.
 */

export interface Aspect {
  topic: string;
  label: SentimentLabel;
  /** -1..1, of the clause that decided (the mention's score where the text is one clause). */
  score: number;
}

export interface AspectInput {
  text: string;
  title?: string | undefined;
  /** The detected language ("und" when unknown): pl and en are scored, others give no clause evidence. */
  lang: string;
  /** The mention's topics, as the enrichment tagged them over title and text. */
  topics: readonly string[];
  /** The mention's own sentiment (stars included): what a text of one clause gets. */
  sentiment?: Pick<Sentiment, "label" | "score"> | null | undefined;
}

export interface AspectOptions {
  /** The tagger of the enrichment's taxonomy: which topics each clause names. */
  tagger: TopicTagger;
  /** The Polish scorer in use (lexicon or learned model). */
  polish?: PolishScorer | undefined;
  /** The topic an untopical side of a contrast counts for; null: none. Default product-quality. */
  productTopic?: string | null | undefined;
  /**
   * The mention's title and text as read for its own sentiment (`title\ntext`, or the text alone,
   * in the same language and scorer): clauses found in it are scored from that reading rather than
   * read again. The figures are the same either way.
   */
  reading?: TextReading | undefined;
  /** The same text as read for the mention's topics: clauses found in it are tagged from that reading. */
  topicReading?: TopicReading | undefined;
}

export const PRODUCT_TOPIC = "product-quality";

/** A clause after the hard cuts. */
export interface Clause {
  /** Its text, without the contrast word that opened it and the punctuation around it. */
  text: string;
  /** Clauses joined by a contrast (in a sentence, or a sentence opening with a contrast word) share a group. */
  group: number;
}

const NOT_WORD_AFTER = "(?![\\p{L}\\p{N}])";
const alternatives = (words: readonly string[]): string => words.map((word) => word.replace(/ /g, "\\s+")).join("|");

/** Contrast and concession words that cut wherever they stand. */
const CONTRASTS_ANYWHERE = ["ale", "lecz", "but"];
const CONCESSIONS = [
  "chociaż", "chociaz", "choć", "choc", "mimo że", "mimo ze", "mimo iż", "mimo iz", "pomimo że", "pomimo ze", "pomimo iż",
  "pomimo iz", "aczkolwiek", "although", "even though", "though",
];
/** Words that contrast only after a comma ("Dostawa natomiast trwała" is one clause). */
const CONTRASTS_AFTER_COMMA = ["jednak", "jednakże", "jednakze", "natomiast", "za to", "zaś", "zas", "however", "whereas", "while"];
/** ", a" cuts ("promocja na masło, a na półce pusto"), unless it only adds ("a także", "a potem"). */
const CONTRASTIVE_A = "a(?!\\s+(?:także|takze|też|tez|więc|wiec|potem|następnie|nastepnie|również|rowniez|ponadto|nawet)" + NOT_WORD_AFTER + ")";

const ANYWHERE = alternatives([...CONCESSIONS, ...CONTRASTS_ANYWHERE]);
const AFTER_COMMA = alternatives(CONTRASTS_AFTER_COMMA);
/** Each branch opens with a comma or a space, so the engine only tries the cut there. */
const CONTRAST_CUT = new RegExp(`(?:,\\s*(?:${ANYWHERE}|${AFTER_COMMA})|\\s+,\\s*(?:${ANYWHERE}|${AFTER_COMMA})|\\s+(?:${ANYWHERE}))${NOT_WORD_AFTER}[\\s,:]*`, "giu");
/**
 * `;`, a dash between spaces and ", a" cut too, but often explain or add rather than contrast
 * ("Zwrot bez problemu - pieniądze wróciły", "Płatność nie przeszła, a pieniądze zniknęły"): no
 * contrast group across them.
 */
const PLAIN_CUT = new RegExp(`;|\\s[-–—]+\\s|,\\s*${CONTRASTIVE_A}${NOT_WORD_AFTER}`, "iu");
const OPENING_CONTRAST = new RegExp(`^(?:${alternatives([...CONTRASTS_ANYWHERE, ...CONTRASTS_AFTER_COMMA])})${NOT_WORD_AFTER}[\\s,:]*`, "iu");
const OPENING_CONCESSION = new RegExp(`^(?:${alternatives(CONCESSIONS)})${NOT_WORD_AFTER}\\s*`, "iu");
/** A cheap test before CONTRAST_CUT: without a comma or the start of a cutting word there is no cut. */
const MAY_CONTRAST = /,|\s(?:ale|lecz|but|cho|mimo|pomimo|aczkolwiek|although|even|though)/i;
const SENTENCE_END = /[.!?…]+(?=\s|$)|[\r\n]+/u;
const SOFT_CUT = new RegExp(`\\s*,\\s*|\\s+(?:i|oraz|a|and|&)${NOT_WORD_AFTER}\\s*`, "giu");
const HAS_LETTER = /\p{L}/u;
/** What a clause does not start or end with: spaces, commas, brackets, quotes, dashes. */
const EDGE = new Set([..." \t\r\n\u00a0,;:()\"'„”«»*-–—"].map((char) => char.charCodeAt(0)));

function clean(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && EDGE.has(text.charCodeAt(start))) start++;
  while (end > start && EDGE.has(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * The clauses of a text after the hard cuts (sentences, contrast words, `;`, dashes), each with
 * its contrast group; clauses without a letter are left out. See the module comment.
 */
export function splitClauses(text: string, title?: string | undefined): Clause[] {
  const clauses: Clause[] = [];
  let group = -1;
  const sentences = [...(title ? title.split(SENTENCE_END) : []), ...text.split(SENTENCE_END)];
  for (const raw of sentences) {
    for (const segment of raw.split(PLAIN_CUT)) {
      let part = clean(segment);
      if (!HAS_LETTER.test(part)) continue;
      const opensContrast = OPENING_CONTRAST.exec(part);
      const concession = opensContrast ? null : OPENING_CONCESSION.exec(part);
      // A part opening with a contrast word ("… . Ale dostawa", "…; jednak kurier") answers the
      // one before; any other part starts a group.
      if (!(opensContrast && group >= 0)) group++;
      if (opensContrast) part = part.slice(opensContrast[0].length);
      let pieces: string[];
      if (concession) {
        // "Choć drogo, jakość świetna": the concession ends at the first comma.
        const rest = part.slice(concession[0].length);
        const comma = rest.indexOf(",");
        pieces = comma < 0 ? [rest] : [rest.slice(0, comma), ...rest.slice(comma + 1).split(CONTRAST_CUT)];
      } else pieces = MAY_CONTRAST.test(part) ? part.split(CONTRAST_CUT) : [part];
      for (const piece of pieces) {
        const clause = clean(piece);
        if (HAS_LETTER.test(clause)) clauses.push({ text: clause, group });
      }
    }
  }
  return clauses;
}

/** A part of a hard clause that names topics, with the untopical parts next to it. */
interface SubClause {
  text: string;
  topics: string[];
}

/** The soft cuts of a hard clause (commas, i/oraz/a/and), merged around the parts that name a topic. */
function subClauses(clause: string, reader: ClauseReader): SubClause[] {
  // A clause naming at most one topic is one sub-clause whatever its commas: only two topics in
  // one clause need telling apart ("Dostawa szybka, obsługa fatalna").
  const whole = reader.named(clause);
  if (whole.length <= 1) return [{ text: clause, topics: whole }];
  const parts = clause.split(SOFT_CUT).filter((part) => HAS_LETTER.test(part));
  if (parts.length <= 1) return [{ text: clause, topics: whole }];
  const out: SubClause[] = [];
  let current: SubClause | undefined;
  for (const part of parts) {
    const topics = reader.named(part);
    if (current && (topics.length === 0 || current.topics.length === 0)) {
      current.text += `, ${part}`;
      for (const topic of topics) if (!current.topics.includes(topic)) current.topics.push(topic);
      continue;
    }
    current = { text: part, topics };
    out.push(current);
  }
  return out;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

interface Evidence {
  label: SentimentLabel;
  score: number;
}

/**
 * What a clause names and how it scores. Where the enrichment passed its readings of the mention
 * (title and text, read once), a clause found in them is tagged and scored from them: the same
 * topics and scores as reading the clause alone, without reading it again.
 */
class ClauseReader {
  private readonly polish: PolishScorer;

  constructor(
    private readonly input: AspectInput,
    private readonly options: AspectOptions,
    private readonly known: ReadonlySet<string>,
  ) {
    this.polish = options.polish ?? LEXICON_SCORER;
  }

  /** The mention's topics the text names. */
  named(text: string): string[] {
    const { topicReading } = this.options;
    const at = topicReading ? topicReading.text.indexOf(text) : -1;
    const found = topicReading && at >= 0 ? topicReading.tag(at, at + text.length) : this.options.tagger.tag(text);
    return found.filter((topic) => this.known.has(topic));
  }

  score(text: string): Evidence {
    const { reading } = this.options;
    const at = reading ? reading.text.indexOf(text) : -1;
    const { label, score } = reading && at >= 0 ? reading.part(at, at + text.length) : textSentiment(text, this.input.lang, this.polish);
    return { label, score };
  }
}

/** Keeps, per topic, the clause with the strongest evidence (on a tie, the later one). */
function consider(best: Map<string, Evidence>, topic: string, evidence: Evidence): void {
  const held = best.get(topic);
  if (held === undefined || Math.abs(evidence.score) >= Math.abs(held.score)) best.set(topic, evidence);
}

/** Whether a clause's sub-clauses name a topic. */
function namesTopic(parts: readonly SubClause[]): boolean {
  for (const part of parts) if (part.topics.length > 0) return true;
  return false;
}

/**
 * One entry per topic of the mention (plus the product topic where the contrast rule finds it):
 * the sentiment of the clause that carries it. See the module comment for every rule.
 */
export function aspectSentiments(input: AspectInput, options: AspectOptions): Aspect[] {
  if (input.topics.length === 0) return [];
  const known = new Set(input.topics);
  const productTopic = options.productTopic === undefined ? PRODUCT_TOPIC : options.productTopic;
  const own: Evidence = input.sentiment ? { label: input.sentiment.label, score: input.sentiment.score } : { label: "neutral", score: 0 };
  const reader = new ClauseReader(input, options, known);

  const clauses = splitClauses(input.text, input.title);
  // One clause naming one topic (most short reviews): that topic is the mention, with no tagging
  // or scoring of parts (a soft cut inside it could only find the same topic again).
  if (clauses.length === 1 && known.size === 1) return [...known].map((topic) => ({ topic, label: own.label, score: round(own.score) }));
  const split = clauses.map((clause) => subClauses(clause.text, reader));
  const clauseCount = split.reduce((sum, parts) => sum + parts.length, 0);
  if (clauseCount <= 1) {
    // One clause: its aspects are the mention, stars and all.
    return [...known].sort().map((topic) => ({ topic, label: own.label, score: round(own.score) }));
  }

  const best = new Map<string, Evidence>();
  // Per contrast group: whether a clause names a topic, and the untopical clauses with a clear sentiment.
  const groupNamesTopic = new Set<number>();
  const unnamed: { group: number; evidence: Evidence }[] = [];

  // How many clauses each contrast group has: an untopical clause alone in its group is never read.
  const groupSize = new Map<number, number>();
  for (const clause of clauses) groupSize.set(clause.group, (groupSize.get(clause.group) ?? 0) + 1);

  const topical = split.map(namesTopic);
  for (let position = 0; position < clauses.length; position++) {
    const clause = clauses[position] as Clause;
    if (topical[position]) groupNamesTopic.add(clause.group);
  }
  for (let position = 0; position < clauses.length; position++) {
    const clause = clauses[position] as Clause;
    const parts = split[position] ?? [];
    if (!topical[position]) {
      // Read only where it can count: beside a clause of its contrast group that names a topic.
      if (!productTopic || (groupSize.get(clause.group) ?? 0) < 2 || !groupNamesTopic.has(clause.group)) continue;
      const evidence = reader.score(clause.text);
      if (evidence.label !== "neutral") unnamed.push({ group: clause.group, evidence });
      continue;
    }
    // The hard clause's own evidence, read once when needed.
    let whole: Evidence | undefined;
    for (const part of parts) {
      if (part.topics.length === 0) continue;
      let evidence = parts.length === 1 ? (whole ??= reader.score(clause.text)) : reader.score(part.text);
      // A part without evidence of its own ("… i obsługa") borrows its hard clause's.
      if (evidence.score === 0 && parts.length > 1) evidence = whole ??= reader.score(clause.text);
      for (const topic of part.topics) consider(best, topic, evidence);
    }
  }
  if (productTopic) {
    for (const { group, evidence } of unnamed) if (groupNamesTopic.has(group)) consider(best, productTopic, evidence);
  }

  const topics = new Set(known);
  if (productTopic && best.has(productTopic)) topics.add(productTopic);
  return [...topics].sort().map((topic) => {
    const evidence = best.get(topic);
    // No clause gave evidence: the text says nothing about this topic either way.
    if (evidence === undefined || evidence.score === 0) return { topic, label: "neutral" as const, score: 0 };
    return { topic, label: evidence.label, score: round(evidence.score) };
  });
}
