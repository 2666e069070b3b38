/**
 * The service inbox: the queue of reviews to answer (most urgent, then oldest), filtered from the
 * address, with the SLA per source, a countdown per review, keyboard flow (j/k, Enter, c, r, a,
 * n, o, u, ?), the review's history and the reply composer. The queue is polled (useLive), so a
 * colleague's claim shows within seconds; the API decides every action and a refusal is shown in
 * words. The decisions (keys, deadlines, filters, reply steps) are pure modules beside this file.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, api, query } from "../../api.ts";
import { MentionCard, anyView } from "../../components/mention.tsx";
import { SelectField } from "../../components/select-field.tsx";
import { Loaded, Updated } from "../../components/states.tsx";
import { useFormats } from "../../i18n.ts";
import { useLive } from "../../live.ts";
import { replaceParams } from "../../route.ts";
import { may, useSession, useTopicLabel } from "../../session.ts";
import type { ActionResponse, Mention, MentionPage, SlaResponse, SourcesResponse } from "../../types.ts";
import type { PageProps } from "../registry.ts";
import { ReplyComposer } from "./composer.tsx";
import { deadlineOf, oldestOverdue } from "./countdown.ts";
import { QUEUE_STATUSES, RATING_CHOICES, filtersFromParams, needsActor, paramsOf, parseRating, queueQueryOf, ratingText, slaQueryOf, type InboxFilters } from "./filters.ts";
import { INBOX_KEYS, commandOf, moveSelection, type InboxCommand } from "./keys.ts";
import { useInboxStrings } from "./strings.ts";
import "./inbox.css";

/** The workflow actions of the API (POST /mentions/{id}/actions). */
type WorkflowAction = "claim" | "release" | "answer" | "no-answer" | "note" | "reopen";

const PAGE_SIZE = 20;
const MAX_SIZE = 100;
const ACTOR_INPUT_ID = "inbox-actor";
const NOTE_INPUT_ID = "inbox-note";
const DETAIL_HEADING_ID = "inbox-detail-title";

/** Renders again every `ms`, for countdowns. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

type Notice = { kind: "info" | "error"; text: string } | undefined;

export function InboxPage({ route }: PageProps) {
  const t = useInboxStrings();
  const { team, actor } = useSession();
  const search = route.params.toString();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(search)), [search]);
  const [size, setSize] = useState(PAGE_SIZE);
  const [selected, setSelected] = useState<string | undefined>(filters.open);
  const [notice, setNotice] = useState<Notice>(undefined);
  const [help, setHelp] = useState(false);
  const [noteFor, setNoteFor] = useState<string | undefined>(undefined);
  const [replyFocusFor, setReplyFocusFor] = useState<string | undefined>(undefined);
  const [detailVersion, setDetailVersion] = useState(0);
  const [askName, setAskName] = useState(false);
  const now = useNow(30_000);
  const slaHours = team.replies.slaHours;
  const rights = { reply: may(team, "reply"), approve: may(team, "approve") };

  const queueQuery = queueQueryOf(filters, actor, size);
  const waitingForName = needsActor(filters, actor);
  const queue = useLive(
    (signal) => (waitingForName ? Promise.resolve<MentionPage>({ total: 0, items: [] }) : api<MentionPage>(`/queue${query(queueQuery)}`, { signal })),
    JSON.stringify(queueQuery),
  );
  const slaQuery = slaQueryOf(filters);
  const sla = useLive((signal) => api<SlaResponse>(`/queue/sla${query(slaQuery)}`, { signal }), JSON.stringify(slaQuery));
  const sources = useLive((signal) => api<SourcesResponse>("/sources", { signal }), "sources", 0);

  const items = queue.data?.items ?? [];
  const target = selected ?? filters.open;
  const setFilters = (change: Partial<InboxFilters>) => {
    setSize(PAGE_SIZE);
    replaceParams(paramsOf({ ...filters, ...change }));
  };
  const openMention = (id: string) => {
    setSelected(id);
    replaceParams({ open: id });
  };
  const focusLater = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());

  /** The workflow state the page last saw of a mention (the queue's, else the open detail's). */
  const lastSeen = useRef(new Map<string, Mention>());
  for (const item of items) lastSeen.current.set(item.id, item);

  const act = async (id: string | undefined, action: WorkflowAction, note?: string) => {
    if (!id) return;
    if (!actor) {
      setAskName(true);
      setNotice({ kind: "error", text: t("actorNeeded") });
      focusLater(ACTOR_INPUT_ID);
      return;
    }
    try {
      await api<ActionResponse>(`/mentions/${id}/actions`, { method: "POST", body: { action, actor, ...(note ? { note } : {}) } });
      setNotice({ kind: "info", text: t(`done_${action}`) });
      if (action === "note") setNoteFor(undefined);
    } catch (error) {
      const seen = lastSeen.current.get(id);
      const workflow = seen ? anyView(seen).workflow : undefined;
      const taken = error instanceof ApiError && error.status === 409 && action === "claim" && workflow?.status === "claimed" && workflow.assignee !== actor;
      const text = taken
        ? workflow.assignee
          ? t("claimTaken", { name: workflow.assignee })
          : t("claimTakenOther")
        : t("refused", { message: error instanceof Error ? error.message : String(error) });
      setNotice({ kind: "error", text });
    }
    queue.refresh();
    sla.refresh();
    setDetailVersion((value) => value + 1);
  };

  const run = (command: InboxCommand) => {
    const index = items.findIndex((item) => item.id === target);
    switch (command) {
      case "next":
      case "previous": {
        const next = items[moveSelection(index, items.length, command === "next" ? 1 : -1)];
        if (next) {
          setSelected(next.id);
          focusLater(`inbox-item-${next.id}`);
        }
        return;
      }
      case "open":
        if (target) {
          openMention(target);
          focusLater(DETAIL_HEADING_ID);
        }
        return;
      case "claim":
        return void act(target, "claim");
      case "answer":
        return void act(target, "answer");
      case "no-answer":
        return void act(target, "no-answer");
      case "release":
        return void act(target, "release");
      case "reply":
        if (target) {
          openMention(target);
          setReplyFocusFor(target);
        }
        return;
      case "note":
        if (target) {
          openMention(target);
          setNoteFor(target);
          focusLater(NOTE_INPUT_ID);
        }
        return;
      case "help":
        setHelp((value) => !value);
        return;
      case "close":
        if (noteFor) setNoteFor(undefined);
        else setHelp(false);
        return;
    }
  };
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const element = event.target instanceof HTMLElement ? event.target : undefined;
      const command = commandOf({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        targetTag: element?.tagName ?? "BODY",
        targetType: element instanceof HTMLInputElement ? element.type : undefined,
        targetEditable: element?.isContentEditable ?? false,
      });
      if (!command) return;
      event.preventDefault();
      runRef.current(command);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div class="inbox">
      <div class="inbox-head">
        <div>
          <h1>{t("title")}</h1>
          <p class="muted">{t("intro")}</p>
        </div>
        <ActorBar asked={askName} onSaved={() => (setAskName(false), setNotice(undefined))} />
      </div>

      <Filters filters={filters} actor={actor} sources={[...new Set([...(sources.data?.sources.map((source) => source.id) ?? []), ...(sla.data?.sources.map((row) => row.source) ?? [])])].sort()} languages={[...new Set([...(team.slice.languages ?? ["pl", "en"]), ...items.flatMap((item) => (item.lang ? [item.lang] : [])), ...(filters.lang ? [filters.lang] : [])])].sort()} topics={[...new Set([...team.topics.map((topic) => topic.id), ...items.flatMap((item) => item.topics ?? [])])]} onChange={setFilters} />

      <div aria-live="polite" class="inbox-notice">
        {notice && (
          <p class={notice.kind === "error" ? "error" : "muted"} data-kind={notice.kind}>
            {notice.text}
          </p>
        )}
      </div>

      <SlaPanel sla={sla} slaHours={slaHours} />

      <div class="inbox-layout">
        <section class="inbox-queue panel" aria-labelledby="inbox-queue-title">
          <div class="inbox-queue-head">
            <h2 id="inbox-queue-title">{t("queue")}</h2>
            {queue.data && <span class="muted small">{t("queueCount", { count: queue.data.total })}</span>}
            <Updated at={queue.updatedAt} />
            <span class="spacer" />
            <button type="button" class="secondary" aria-expanded={help} aria-controls="inbox-keys" onClick={() => setHelp((value) => !value)}>
              {t("keysShow")}
            </button>
          </div>
          {help && <KeysHelp onClose={() => setHelp(false)} />}
          {waitingForName ? (
            <p class="error">{t("mineNeedsName")}</p>
          ) : (
            <Loaded live={queue}>
              {(page) =>
                page.items.length === 0 ? (
                  <p class="muted">{t("queueEmpty")}</p>
                ) : (
                  <>
                    <ol class="inbox-list" aria-label={t("queue")}>
                      {page.items.map((mention) => (
                        <QueueItem
                          key={mention.id}
                          mention={mention}
                          selected={mention.id === target}
                          opened={mention.id === filters.open}
                          now={now}
                          slaHours={slaHours}
                          actor={actor}
                          onSelect={() => setSelected(mention.id)}
                          onOpen={() => (openMention(mention.id), focusLater(DETAIL_HEADING_ID))}
                          onClaim={() => (setSelected(mention.id), void act(mention.id, "claim"))}
                        />
                      ))}
                    </ol>
                    {page.total > page.items.length && size < MAX_SIZE && (
                      <button type="button" class="secondary" onClick={() => setSize((value) => Math.min(MAX_SIZE, value + PAGE_SIZE))}>
                        {t("more")}
                      </button>
                    )}
                  </>
                )
              }
            </Loaded>
          )}
        </section>

        <section class={`inbox-detail panel${filters.open ? " has-open" : ""}`} aria-labelledby={DETAIL_HEADING_ID}>
          <h2 id={DETAIL_HEADING_ID} tabIndex={-1}>
            {t("detail")}
          </h2>
          {filters.open ? (
            <Detail
              key={filters.open}
              id={filters.open}
              version={detailVersion}
              now={now}
              slaHours={slaHours}
              actor={actor}
              rights={rights}
              noteOpen={noteFor === filters.open}
              replyFocus={replyFocusFor === filters.open}
              onReplyFocused={() => setReplyFocusFor(undefined)}
              onSeen={(mention) => lastSeen.current.set(mention.id, mention)}
              onAct={(action, note) => void act(filters.open, action, note)}
              onNote={(open) => setNoteFor(open ? filters.open : undefined)}
              onReply={() => setReplyFocusFor(filters.open)}
              onClose={() => replaceParams({ open: undefined })}
              onChanged={() => (queue.refresh(), sla.refresh(), setDetailVersion((value) => value + 1))}
              onActorNeeded={() => (setAskName(true), setNotice({ kind: "error", text: t("actorNeeded") }), focusLater(ACTOR_INPUT_ID))}
            />
          ) : (
            <p class="muted">{t("detailEmpty")}</p>
          )}
        </section>
      </div>
    </div>
  );
}

/** "Your name": asked once, kept by the session (this browser, per team). */
function ActorBar({ asked, onSaved }: { asked: boolean; onSaved(): void }) {
  const t = useInboxStrings();
  const { actor, setActor } = useSession();
  const [editing, setEditing] = useState(actor === "");
  const [name, setName] = useState(actor);
  if (actor && !editing && !asked) {
    return (
      <p class="actor">
        <span>{t("actingAs", { name: actor })}</span>{" "}
        <button type="button" class="link" onClick={() => (setName(actor), setEditing(true))}>
          {t("actorChange")}
        </button>
      </p>
    );
  }
  return (
    <form
      class="actor actor-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!name.trim()) return;
        setActor(name);
        setEditing(false);
        onSaved();
      }}
    >
      <label for={ACTOR_INPUT_ID}>{t("actorLabel")}</label>
      <input id={ACTOR_INPUT_ID} value={name} maxLength={200} required autocomplete="name" aria-describedby="inbox-actor-help" onInput={(event) => setName((event.currentTarget as HTMLInputElement).value)} />
      <button type="submit">{t("actorSave")}</button>
      <p id="inbox-actor-help" class="muted small">
        {t("actorHelp")}
      </p>
    </form>
  );
}

function Filters({ filters, actor, sources, languages, topics, onChange }: { filters: InboxFilters; actor: string; sources: string[]; languages: string[]; topics: string[]; onChange(change: Partial<InboxFilters>): void }) {
  const topicLabel = useTopicLabel();
  const byLabel = [...topics].sort((a, b) => topicLabel(a).localeCompare(topicLabel(b)));
  const t = useInboxStrings();
  const value = (event: Event) => (event.currentTarget as HTMLInputElement | HTMLSelectElement).value.trim();
  const hasFilters = Object.entries(paramsOf(filters)).some(([name, param]) => name !== "open" && param !== undefined);
  return (
    <form class="toolbar inbox-filters" aria-label={t("filters")} onSubmit={(event) => event.preventDefault()}>
      <SelectField label={t("source")} value={filters.source} options={sources} anyLabel={t("any")} onChange={(source) => onChange({ source })} />
      <SelectField
        label={t("rating")}
        value={ratingText(filters.rating)}
        options={RATING_CHOICES}
        anyLabel={t("any")}
        optionLabel={(choice) => `${choice.replace("-", "–")} ★`}
        onChange={(rating) => onChange({ rating: parseRating(rating ?? null) })}
      />
      <SelectField label={t("topic")} value={filters.topic} options={byLabel} anyLabel={t("any")} optionLabel={topicLabel} onChange={(topic) => onChange({ topic: filtersFromParams(new URLSearchParams({ topic: topic ?? "" })).topic })} />
      <SelectField label={t("lang")} value={filters.lang} options={languages} anyLabel={t("any")} onChange={(lang) => onChange({ lang })} />
      <label>
        {t("assignee")}
        <input value={filters.mine ? actor : (filters.assignee ?? "")} size={12} disabled={filters.mine} onChange={(event) => onChange({ assignee: value(event) || undefined })} />
      </label>
      <label class="inline">
        <input type="checkbox" checked={filters.mine} onChange={(event) => onChange({ mine: (event.currentTarget as HTMLInputElement).checked })} />
        {t("mine")}
      </label>
      <SelectField
        label={t("status")}
        value={filters.status}
        options={QUEUE_STATUSES}
        optionLabel={(status) => t(`status_${status}`)}
        onChange={(chosen) => onChange({ status: QUEUE_STATUSES.find((status) => status === chosen) ?? "unanswered" })}
      />
      {hasFilters && (
        <button type="button" class="ghost" onClick={() => replaceParams({ ...paramsOf({ mine: false, status: "unanswered" }), open: filters.open })}>
          {t("clearFilters")}
        </button>
      )}
    </form>
  );
}

function SlaPanel({ sla, slaHours }: { sla: { data: SlaResponse | undefined; error: Error | undefined; refresh(): void }; slaHours: number }) {
  const t = useInboxStrings();
  const formats = useFormats();
  return (
    <section class="panel inbox-sla" aria-labelledby="inbox-sla-title">
      <h2 id="inbox-sla-title">{t("sla")}</h2>
      <Loaded live={sla}>
        {(data) =>
          data.sources.length === 0 ? (
            <p class="muted">{t("slaEmpty")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("slaSource")}</th>
                  <th scope="col" class="num">
                    {t("slaWaiting")}
                  </th>
                  <th scope="col">{t("slaOldest")}</th>
                  <th scope="col">{t("slaState", { hours: slaHours })}</th>
                </tr>
              </thead>
              <tbody>
                {data.sources.map((row) => {
                  const late = oldestOverdue(row.oldestAgeHours, slaHours);
                  return (
                    <tr key={row.source} class={late ? "overdue" : undefined}>
                      <th scope="row">{row.source}</th>
                      <td class="num">{formats.number(row.waiting)}</td>
                      <td>
                        <time dateTime={row.oldestPublishedAt} title={formats.dateTime(row.oldestPublishedAt)}>
                          {formats.duration(row.oldestAgeHours * 3_600_000)}
                        </time>
                      </td>
                      <td>{late ? <strong class="deadline overdue">{t("slaOverdue")}</strong> : <span class="deadline ok">{t("slaWithin")}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

/** The countdown to a review's answer deadline, in words (overdue is said, not only coloured). */
function DeadlineNote({ publishedAt, slaHours, now }: { publishedAt: string | undefined; slaHours: number; now: number }) {
  const t = useInboxStrings();
  const formats = useFormats();
  const deadline = publishedAt ? deadlineOf(publishedAt, slaHours, now) : undefined;
  if (!deadline) return null;
  const time = formats.duration(deadline.remainingMs);
  const text = deadline.level === "overdue" ? t("overdue", { time }) : deadline.level === "soon" ? t("dueSoon", { time }) : t("dueIn", { time });
  return (
    <time class={`deadline ${deadline.level}`} dateTime={deadline.due.toISOString()} title={formats.dateTime(deadline.due)}>
      {deadline.level === "overdue" ? "⚠ " : ""}
      {text}
    </time>
  );
}

/** Who has the review: free, yours, or taken (by whom, when the view shows it). */
function TakenNote({ mention, actor }: { mention: Mention; actor: string }) {
  const t = useInboxStrings();
  const workflow = anyView(mention).workflow;
  if (workflow?.status !== "claimed") return <span class="taken free">{t("free")}</span>;
  if (workflow.assignee && workflow.assignee === actor) return <strong class="taken yours">{t("yours")}</strong>;
  return <strong class="taken other">{workflow.assignee ? t("takenBy", { name: workflow.assignee }) : t("takenByOther")}</strong>;
}

interface QueueItemProps {
  mention: Mention;
  selected: boolean;
  opened: boolean;
  now: number;
  slaHours: number;
  actor: string;
  onSelect(): void;
  onOpen(): void;
  onClaim(): void;
}

function QueueItem({ mention, selected, opened, now, slaHours, actor, onSelect, onOpen, onClaim }: QueueItemProps) {
  const t = useInboxStrings();
  const workflow = anyView(mention).workflow;
  return (
    <li id={`inbox-item-${mention.id}`} class={`inbox-item${opened ? " opened" : ""}`} tabIndex={-1} onClick={onSelect} data-mention-id={mention.id}>
      <div class="inbox-item-state">
        <TakenNote mention={mention} actor={actor} />
        <DeadlineNote publishedAt={anyView(mention).publishedAt} slaHours={slaHours} now={now} />
        {workflow?.reply && <span class="reply-status">{t("replyInList", { status: t(`rs_${workflow.reply.status}`) })}</span>}
      </div>
      <MentionCard mention={mention} selected={selected} headingLevel={3}>
        <div class="inbox-item-actions">
          <button type="button" class="secondary" onClick={onOpen} aria-keyshortcuts="Enter">
            {t("open")}
          </button>
          {!(workflow?.status === "claimed" && workflow.assignee === actor) && (
            <button type="button" class="secondary" onClick={onClaim} aria-keyshortcuts="c">
              {t("claim")}
            </button>
          )}
        </div>
      </MentionCard>
    </li>
  );
}

function KeysHelp({ onClose }: { onClose(): void }) {
  const t = useInboxStrings();
  return (
    <section id="inbox-keys" class="inbox-keys" aria-labelledby="inbox-keys-title">
      <h3 id="inbox-keys-title">{t("keys")}</h3>
      <dl>
        {INBOX_KEYS.map(({ command, keys }) => (
          <div key={command}>
            <dt>
              {keys.map((key, index) => (
                <span key={key}>
                  {index > 0 ? " / " : ""}
                  <kbd>{key === "ArrowDown" ? "↓" : key === "ArrowUp" ? "↑" : key === "Escape" ? "Esc" : key}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(`key_${command}`)}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">{t("keysNote")}</p>
      <button type="button" class="secondary" onClick={onClose}>
        {t("close")}
      </button>
    </section>
  );
}

interface DetailProps {
  id: string;
  /** Changes when the page recorded something: the detail asks again at once. */
  version: number;
  now: number;
  slaHours: number;
  actor: string;
  rights: { reply: boolean; approve: boolean };
  noteOpen: boolean;
  replyFocus: boolean;
  onReplyFocused(): void;
  onSeen(mention: Mention): void;
  onAct(action: WorkflowAction, note?: string): void;
  onNote(open: boolean): void;
  onReply(): void;
  onClose(): void;
  onChanged(): void;
  onActorNeeded(): void;
}

function Detail({ id, version, now, slaHours, actor, rights, noteOpen, replyFocus, onReplyFocused, onSeen, onAct, onNote, onReply, onClose, onChanged, onActorNeeded }: DetailProps) {
  const t = useInboxStrings();
  const live = useLive((signal) => api<Mention>(`/mentions/${id}`, { signal }), id);
  const refresh = live.refresh;
  useEffect(() => {
    if (version > 0) refresh();
  }, [version, refresh]);
  useEffect(() => {
    if (live.data) onSeen(live.data);
  }, [live.data]);
  return (
    <Loaded live={live}>
      {(mention) => {
        const view = anyView(mention);
        const workflow = view.workflow;
        const closed = workflow?.status === "answered" || workflow?.status === "closed";
        return (
          <div class="inbox-detail-body">
            <div class="inbox-item-state">
              <TakenNote mention={mention} actor={actor} />
              {!closed && <DeadlineNote publishedAt={view.publishedAt} slaHours={slaHours} now={now} />}
            </div>
            <MentionCard mention={mention} headingLevel={3} />
            <div class="inbox-actions" role="group" aria-label={t("detail")}>
              <ActionButton label={t("claim")} shortcut="c" onClick={() => onAct("claim")} />
              {(rights.reply || rights.approve) && <ActionButton label={t("reply")} shortcut="r" onClick={onReply} />}
              <ActionButton label={t("answer")} shortcut="a" onClick={() => onAct("answer")} />
              <ActionButton label={t("noAnswer")} shortcut="n" onClick={() => onAct("no-answer")} />
              <ActionButton label={t("note")} shortcut="o" onClick={() => onNote(true)} />
              <ActionButton label={t("release")} shortcut="u" onClick={() => onAct("release")} />
              {closed && <ActionButton label={t("reopen")} onClick={() => onAct("reopen")} />}
              <button type="button" class="ghost" onClick={onClose}>
                {t("close")}
              </button>
            </div>
            {noteOpen && <NoteForm onSave={(note) => onAct("note", note)} onCancel={() => onNote(false)} />}
            <History workflow={workflow} />
            {(rights.reply || rights.approve) && (
              <ReplyComposer mentionId={id} actor={actor} rights={rights} focusRequested={replyFocus} onFocused={onReplyFocused} onChanged={onChanged} onActorNeeded={onActorNeeded} />
            )}
          </div>
        );
      }}
    </Loaded>
  );
}

function ActionButton({ label, shortcut, onClick }: { label: string; shortcut?: string; onClick(): void }) {
  return (
    <button type="button" class="secondary" onClick={onClick} aria-keyshortcuts={shortcut}>
      {label}
      {shortcut && (
        <kbd class="hint" aria-hidden="true">
          {shortcut}
        </kbd>
      )}
    </button>
  );
}

function NoteForm({ onSave, onCancel }: { onSave(note: string): void; onCancel(): void }) {
  const t = useInboxStrings();
  const [note, setNote] = useState("");
  // Opened by a key or a button: the cursor goes to the note (the review may still have been loading when asked).
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <form
      class="inbox-note"
      onSubmit={(event) => {
        event.preventDefault();
        if (note.trim()) onSave(note.trim());
      }}
    >
      <label for={NOTE_INPUT_ID}>{t("noteLabel")}</label>
      <textarea id={NOTE_INPUT_ID} ref={field} rows={3} maxLength={10_000} required value={note} onInput={(event) => setNote((event.currentTarget as HTMLTextAreaElement).value)} />
      <div class="steps">
        <button type="submit">{t("noteSave")}</button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t("noteCancel")}
        </button>
      </div>
    </form>
  );
}

/** The workflow history, newest first: who claimed, noted, answered and replied, when. */
function History({ workflow }: { workflow: ReturnType<typeof anyView>["workflow"] }) {
  const t = useInboxStrings();
  const formats = useFormats();
  const entries = [...(workflow?.history ?? [])].reverse();
  return (
    <section class="inbox-history" aria-labelledby="inbox-history-title">
      <h3 id="inbox-history-title">{t("history")}</h3>
      {entries.length === 0 ? (
        <p class="muted small">{t("historyEmpty")}</p>
      ) : (
        <ol>
          {entries.map((entry) => (
            <li key={entry.eventId} data-type={entry.type}>
              <time dateTime={entry.at} title={formats.dateTime(entry.at)}>
                {formats.relative(entry.at)}
              </time>{" "}
              <strong>{entry.actor}</strong>: {t(`ev_${entry.type}`)}
              {entry.replyVersion !== undefined ? ` (${t("version", { version: entry.replyVersion })})` : ""}
              {entry.rule ? ` (${t("byRule", { rule: entry.rule })})` : ""}
              {entry.note && <p class="note">{entry.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
