import type { PageProps } from "../registry.ts";

export function MentionsPage(_props: PageProps) {
  return <h1>mentions</h1>;
}
