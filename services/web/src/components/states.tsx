import type { ComponentChildren } from "preact";
import { useFormats } from "../i18n.ts";
import { useComponentStrings } from "./strings.ts";

/** An error from the API in its own words, with a way to ask again. */
export function ErrorNote({ error, retry }: { error: Error; retry?: () => void }) {
  const t = useComponentStrings();
  return (
    <p class="error" role="alert">
      {error.message}{" "}
      {retry && (
        <button type="button" class="link" onClick={retry}>
          {t("retry")}
        </button>
      )}
    </p>
  );
}

/** Loading (the first time only), an error, nothing, or the content. */
export function Loaded<T>({ live, empty, children }: { live: { data: T | undefined; error: Error | undefined; refresh(): void }; empty?: (data: T) => boolean; children: (data: T) => ComponentChildren }) {
  const t = useComponentStrings();
  if (live.data === undefined) return live.error ? <ErrorNote error={live.error} retry={live.refresh} /> : <p class="muted" aria-busy="true">{t("loading")}</p>;
  return (
    <>
      {live.error && <ErrorNote error={live.error} retry={live.refresh} />}
      {empty?.(live.data) ? <p class="muted">{t("empty")}</p> : children(live.data)}
    </>
  );
}

/** "updated 3 seconds ago", for a live view. */
export function Updated({ at }: { at: number | undefined }) {
  const t = useComponentStrings();
  const formats = useFormats();
  if (!at) return null;
  return (
    <span class="muted small" aria-live="off">
      {t("updated", { when: formats.relative(new Date(at)) })}
    </span>
  );
}
