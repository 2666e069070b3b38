import type { Engine } from "@odzew/search";

interface CompositeResponse {
  aggregations?: { ids: { after_key?: { id: string }; buckets: { key: { id: string }; doc_count: number }[] } };
}

/**
 * How many documents each mention id has across every index matching `pattern` (after a
 * refresh): the ground truth for "nothing lost, nothing doubled". Read with a composite
 * aggregation, so it is exact for any number of documents.
 */
export async function documentsPerId(engine: Engine, pattern: string): Promise<Map<string, number>> {
  await engine.request("POST", `/${pattern}/_refresh`, undefined, { allow_no_indices: true, ignore_unavailable: true });
  const counts = new Map<string, number>();
  let after: { id: string } | undefined;
  for (;;) {
    const response = await engine.request<CompositeResponse>(
      "POST",
      `/${pattern}/_search`,
      {
        size: 0,
        track_total_hits: false,
        aggs: { ids: { composite: { size: 5_000, sources: [{ id: { terms: { field: "id" } } }], ...(after ? { after } : {}) } } },
      },
      { allow_no_indices: true, ignore_unavailable: true },
    );
    const ids = response.aggregations?.ids;
    if (!ids || ids.buckets.length === 0) return counts;
    for (const bucket of ids.buckets) counts.set(bucket.key.id, bucket.doc_count);
    if (!ids.after_key) return counts;
    after = ids.after_key;
  }
}

/** Lost (expected, not indexed), duplicated (more than one document) and unexpected ids. */
export function compareIds(expected: Iterable<string>, indexed: Map<string, number>) {
  const wanted = new Set(expected);
  const lost = [...wanted].filter((id) => !indexed.has(id));
  const duplicated = [...indexed].filter(([, count]) => count > 1).map(([id]) => id);
  const unexpected = [...indexed.keys()].filter((id) => !wanted.has(id));
  const documents = [...indexed.values()].reduce((sum, count) => sum + count, 0);
  return { expected: wanted.size, documents, distinct: indexed.size, lost, duplicated, unexpected };
}
