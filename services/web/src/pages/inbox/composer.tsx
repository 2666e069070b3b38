/**
 * The reply composer of one review: templates suggested for it, the text with a live count
 * against the store's limit, a preview, the reply's state and who did what, and the steps of the
 * reply workflow (draft, send, approve, retry, delete, discard, record where Odzew cannot post).
 * The reply view is polled, so a reply on its way moves to sent and confirmed on its own. Every
 * value is put in as text; a refusal of the API is shown in its own words.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api } from "../../api.ts";
import { ErrorNote } from "../../components/states.tsx";
import { SafeLink } from "../../components/safe-link.tsx";
import { useFormats } from "../../i18n.ts";
import { useLive } from "../../live.ts";
import type { ReplyActionResponse, ReplyPreview, ReplyView } from "../../types.ts";
import { EDITABLE, bodyFor, countOf, stepsFor, type ReplyRights, type ReplyStep } from "./reply.ts";
import { useInboxStrings } from "./strings.ts";

export const REPLY_TEXT_ID = "inbox-reply-text";

export interface ComposerProps {
  mentionId: string;
  actor: string;
  rights: ReplyRights;
  /** The page asks for the cursor in the reply's text (key `r`, the Reply button); onFocused says it is there. */
  focusRequested: boolean;
  onFocused(): void;
  /** Something was recorded: the page refreshes the queue and the history. */
  onChanged(): void;
  /** The agent has no name yet: the page asks for it. */
  onActorNeeded(): void;
}

type Message = { kind: "info" | "error"; text: string } | undefined;

export function ReplyComposer({ mentionId, actor, rights, focusRequested, onFocused, onChanged, onActorNeeded }: ComposerProps) {
  const t = useInboxStrings();
  const formats = useFormats();
  const live = useLive((signal) => api<ReplyView>(`/mentions/${mentionId}/reply`, { signal }), mentionId);
  const view = live.data;
  const [text, setText] = useState("");
  const [template, setTemplate] = useState("");
  const [missing, setMissing] = useState<string[]>([]);
  const [message, setMessage] = useState<Message>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const seeded = useRef<string | undefined>(undefined);

  // An editable reply (a draft, one awaiting approval, one that failed) is the starting text, once per version.
  const reply = view?.reply;
  useEffect(() => {
    if (!reply || !EDITABLE.includes(reply.status)) return;
    const mark = `${reply.version}:${reply.status}`;
    if (seeded.current === mark) return;
    seeded.current = mark;
    setText((current) => (current.trim() === "" ? reply.text : current));
  }, [reply?.version, reply?.status]);

  // Asked while the reply view was still loading: the cursor goes there once the text field is shown.
  useEffect(() => {
    if (focusRequested && textarea.current) {
      textarea.current.focus();
      onFocused();
    }
  });

  if (!view) return live.error ? <ErrorNote error={live.error} retry={live.refresh} /> : <p class="muted" aria-busy="true">…</p>;

  const count = countOf(text, view.capability);
  const steps = stepsFor(view, rights);
  const status = reply?.status;

  const pickTemplate = async (id: string) => {
    setTemplate(id);
    const chosen = view.templates.find((candidate) => candidate.id === id);
    if (!chosen) return;
    // Rendered again with the agent's name for {agent}, when one is given.
    let preview: ReplyPreview = chosen.preview;
    if (actor) {
      try {
        preview = await api<ReplyPreview>("/replies/preview", { method: "POST", body: { mentionId, template: id, actor } });
      } catch (error) {
        setMessage({ kind: "error", text: error instanceof Error ? error.message : String(error) });
      }
    }
    setText(preview.text);
    setMissing(preview.missing);
  };

  const run = async (step: ReplyStep) => {
    if (step === "delete" && !confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    setConfirmDelete(false);
    const outcome = bodyFor(step, { actor, typed: text, template: template || undefined, reply });
    if ("missing" in outcome) {
      if (outcome.missing === "actor") onActorNeeded();
      else setMessage({ kind: "error", text: t("writeFirst") });
      return;
    }
    setBusy(true);
    setMessage({ kind: "info", text: t("busy") });
    try {
      const result = await api<ReplyActionResponse>(`/mentions/${mentionId}/reply`, { method: "POST", body: outcome.body });
      setMessage({ kind: "info", text: result.queued ? t("recordedQueued") : t("recorded", { events: result.events.map((event) => t(`ev_${event.type}`)).join(", ") }) });
      if (step !== "draft") {
        setText("");
        setTemplate("");
        setMissing([]);
      }
      live.refresh();
      onChanged();
    } catch (error) {
      setMessage({ kind: "error", text: error instanceof ApiError ? t("refused", { message: error.message }) : String(error) });
    } finally {
      setBusy(false);
    }
  };

  const label = (step: ReplyStep) => {
    if (step === "send" && (status === "sent" || status === "confirmed")) return t("step_sendNew");
    if (step === "delete" && confirmDelete) return t("step_deleteConfirm");
    return t(`step_${step}`);
  };
  const countText =
    count.limit === undefined ? t(`countNoLimit_${count.unit}`, { length: count.length }) : t(`count_${count.unit}`, { length: count.length, limit: count.limit });
  const when = (iso: string | undefined) => (iso ? formats.dateTime(iso) : "");

  return (
    <section class="composer" aria-labelledby="inbox-composer-title">
      <h3 id="inbox-composer-title">{t("composer")}</h3>
      <p class="reply-state">
        <strong class="state" data-status={status ?? "none"}>
          {reply ? t("replyState", { version: reply.version, status: t(`rs_${reply.status}`) }) : t("notAnswered")}
          {reply?.operation === "delete" ? ` ${t("deletion")}` : ""}
        </strong>
      </p>
      <ul class="reply-facts small">
        {view.capability.canReply ? <li>{t("postsHere")}</li> : <li>{t("answerThere")}</li>}
        {!view.capability.canReply && view.capability.reason && <li>{t("answerThereWhy", { reason: view.capability.reason })}</li>}
        {view.answer && (
          <li>
            <SafeLink href={view.answer.url}>{t(view.capability.canReply ? "openThere" : "answerThereLink", { where: view.answer.where })}</SafeLink>
          </li>
        )}
        {view.approval && <li>{t("approvalNeeded")}</li>}
        {reply && <li>{t("draftedBy", { name: reply.draftedBy, when: when(reply.draftedAt) })}</li>}
        {reply?.approvedBy && <li>{t("approvedBy", { name: reply.approvedBy, when: when(reply.approvedAt) })}</li>}
        {reply?.sentBy && <li>{t("sentBy", { name: reply.sentBy, when: when(reply.sentAt) })}</li>}
        {reply?.confirmedAt && <li>{t("confirmedAt", { when: when(reply.confirmedAt) })}</li>}
        {reply?.rule && <li>{t("byRuleDraft", { rule: reply.rule })}</li>}
        {reply?.channel === "manual" && <li>{t("manual")}</li>}
        {reply?.error && (
          <li class="error">
            {t("failedWith", { message: reply.error.message })}
            {reply.error.retryable ? ` (${t("retryable")})` : ""}
          </li>
        )}
      </ul>
      {(rights.reply || rights.approve) && (
        <div class="composer-form">
          <label>
            {t("template")}
            <select value={template} onChange={(event) => void pickTemplate((event.currentTarget as HTMLSelectElement).value)} disabled={view.templates.length === 0}>
              <option value="">{view.templates.length ? t("templateNone") : t("templatesNone")}</option>
              {view.templates.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.preview.over ? t("templateOver", { name: candidate.name, lang: candidate.lang, over: candidate.preview.over }) : `${candidate.name} (${candidate.lang})`}
                </option>
              ))}
            </select>
          </label>
          {missing.length > 0 && <p class="error small">{t("templateMissing", { names: missing.map((name) => `{${name}}`).join(", ") })}</p>}
          <label for={REPLY_TEXT_ID}>{t("text")}</label>
          <textarea
            id={REPLY_TEXT_ID}
            ref={textarea}
            rows={6}
            value={text}
            aria-describedby="inbox-reply-count"
            aria-invalid={count.over > 0 ? "true" : undefined}
            onInput={(event) => {
              const value = (event.currentTarget as HTMLTextAreaElement).value;
              setText(value);
              if (!value.trim()) setTemplate("");
            }}
          />
          <p id="inbox-reply-count" class={`count small${count.over > 0 ? " error" : " muted"}`}>
            {countText}
            {count.over > 0 && count.limit !== undefined ? ` — ${t("countOver", { over: count.over, limit: count.limit })}` : ""}
          </p>
          <p class="muted small preview-label">{t("preview")}</p>
          <p class="preview">
            {text.trim() || t("previewEmpty")}
          </p>
          <div class="steps">
            {steps.map((step, index) => (
              <button key={step} type="button" class={index === 0 ? "" : step === "delete" ? "danger" : "secondary"} disabled={busy} onClick={() => void run(step)}>
                {label(step)}
              </button>
            ))}
          </div>
        </div>
      )}
      <div aria-live="polite">
        {message && (
          <p class={message.kind === "error" ? "error" : "muted"} data-kind={message.kind}>
            {message.text}
          </p>
        )}
      </div>
    </section>
  );
}
