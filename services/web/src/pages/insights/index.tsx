import type { PageProps } from "../registry.ts";

export function InsightsPage(_props: PageProps) {
  return <h1>insights</h1>;
}
