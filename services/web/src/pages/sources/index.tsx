import type { PageProps } from "../registry.ts";

export function SourcesPage(_props: PageProps) {
  return <h1>sources</h1>;
}
