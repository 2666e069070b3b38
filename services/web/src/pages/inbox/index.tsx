import type { PageProps } from "../registry.ts";

export function InboxPage(_props: PageProps) {
  return <h1>inbox</h1>;
}
