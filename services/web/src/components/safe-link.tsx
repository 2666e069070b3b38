import type { ComponentChildren } from "preact";

/** Only web addresses become links: a `javascript:`, `data:` or `file:` URL from a review is shown as nothing clickable. */
export function safeHref(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link out of Odzew: a new tab, no referrer, no opener, never followed for ranking. */
export function SafeLink({ href, children, label }: { href: string | undefined | null; children: ComponentChildren; label?: string }) {
  const safe = safeHref(href);
  if (!safe) return null;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer nofollow" aria-label={label}>
      {children}
    </a>
  );
}
