import type { PageProps } from "../registry.ts";

export function CrisisPage(_props: PageProps) {
  return <h1>crisis</h1>;
}
