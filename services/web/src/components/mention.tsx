/**
 * One mention as a card, in the team's view. Every value from a review is put in as text (Preact
 * escapes text nodes; nothing here sets HTML), and a link is only ever an http(s) address.
 */
import type { ComponentChildren } from "preact";
import { useFormats } from "../i18n.ts";
import { useTopicLabel } from "../session.ts";
import type { Mention } from "../types.ts";
import { SafeLink } from "./safe-link.tsx";
import { useComponentStrings } from "./strings.ts";

/** The fields of either view, read without caring which view it is (each is optional in both). */
export type AnyView = Partial<Extract<Mention, { answer?: unknown }>> & Partial<Extract<Mention, { hasReply: boolean }>> & { id: string };
export const anyView = (mention: Mention): AnyView => mention as AnyView;

export function SentimentBadge({ mention }: { mention: AnyView }) {
  const t = useComponentStrings();
  const sentiment = mention.sentiment;
  if (!sentiment) return <span class="badge none">{t("noSentiment")}</span>;
  const basis = sentiment.basis ? t(`basis_${sentiment.basis}`) : undefined;
  return (
    <span class={`badge ${sentiment.label}`} title={basis}>
      {t(sentiment.label)}
      {mention.ratingMismatch ? ` · ${t("ratingMismatch")}` : ""}
    </span>
  );
}

export function Stars({ value }: { value: number }) {
  const t = useComponentStrings();
  const whole = Math.round(value);
  return (
    <span class="stars" role="img" aria-label={t("stars", { value, scale: 5 })}>
      {"★".repeat(whole)}
      <span class="stars-off">{"★".repeat(Math.max(0, 5 - whole))}</span>
    </span>
  );
}

/** The reach a mention carries (likes, followers, votes), as one number. */
export const reachOf = (mention: AnyView): number => (mention.reach ? Math.max(mention.reach.followers ?? 0, mention.reach.votes ?? 0, mention.reach.helpful ?? 0) : 0);

export interface MentionCardProps {
  mention: Mention;
  /** Shown below the text: actions, a reply composer. */
  children?: ComponentChildren;
  /** A selected card (keyboard focus in a list). */
  selected?: boolean;
  /** Extra class names. */
  class?: string;
  /** Heading level of the title, for the page outline. */
  headingLevel?: 3 | 4;
}

export function MentionCard({ mention: raw, children, selected, class: extra, headingLevel = 3 }: MentionCardProps) {
  const t = useComponentStrings();
  const formats = useFormats();
  const topicLabel = useTopicLabel();
  const mention = anyView(raw);
  const label = mention.sentiment?.label ?? "none";
  const Heading = headingLevel === 3 ? "h3" : "h4";
  const reach = reachOf(mention);
  return (
    <article class={`card sentiment-${label}${selected ? " selected" : ""}${extra ? ` ${extra}` : ""}`} data-mention-id={mention.id} aria-current={selected ? "true" : undefined}>
      <div class="meta">
        {mention.publishedAt && (
          <time dateTime={mention.publishedAt} title={formats.dateTime(mention.publishedAt)}>
            {formats.relative(mention.publishedAt)}
          </time>
        )}
        {mention.source && <span class="source">{mention.source.id ?? mention.source.type}</span>}
        {mention.rating && <Stars value={mention.rating.value} />}
        <SentimentBadge mention={mention} />
        {mention.priority && <span class={`priority ${mention.priority.level}`}>{t("priority", { level: mention.priority.level })}</span>}
        {reach > 0 && <span>{t("reach", { count: reach })}</span>}
        {mention.workflow?.status && <span class="status">{t("status", { status: t(`status_${mention.workflow.status}`) })}</span>}
        {mention.workflow?.assignee && <span class="assignee">{t("assignee", { name: mention.workflow.assignee })}</span>}
        {mention.author?.name && <span class="author">{mention.author.name}</span>}
        {!mention.author && mention.authorPseudonym && <span class="author">{t("pseudonym", { name: mention.authorPseudonym })}</span>}
        {mention.hasReply && <span>{t("hasReply")}</span>}
      </div>
      {mention.title && <Heading class="title">{mention.title}</Heading>}
      <p class="text">{mention.text}</p>
      {mention.topics && mention.topics.length > 0 && (
        <ul class="tags" aria-label={t("topics")}>
          {mention.topics.map((topic) => (
            <li key={topic}>{topicLabel(topic)}</li>
          ))}
        </ul>
      )}
      <div class="links">
        <SafeLink href={mention.url}>{t("open")}</SafeLink>
        {mention.answer && mention.answer.url !== mention.url && <SafeLink href={mention.answer.url}>{t("answerThere", { where: mention.answer.where })}</SafeLink>}
      </div>
      {children}
    </article>
  );
}
