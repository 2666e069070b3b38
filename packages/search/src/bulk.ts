/** One bulk item the engine did not accept. */
export interface BulkFailure {
  id: string;
  status: number;
  reason: string;
}

/** What happened to each item of a bulk write. */
export interface BulkOutcome {
  indexed: string[];
  /** Failed for a reason that may pass (429, 5xx, a version conflict, a write block): send again later. */
  retryable: BulkFailure[];
  /** Refused for good (mapping or document error): dead-letter with the reason. */
  rejected: BulkFailure[];
  /** Not written because the engine already holds this version or a newer one. */
  superseded?: string[];
}

/**
 * Refusals that say nothing about the document: the cluster or the index cannot take writes right
 * now (a write block, e.g. the disk flood stage; a closed or missing index; a full queue; a
 * tripped circuit breaker; shards moving). They pass once an operator or the engine acts, so the
 * document is retried with backoff and an alert, never dead-lettered.
 */
const PASSING_ERROR_TYPES = new Set([
  "cluster_block_exception",
  "index_closed_exception",
  "index_not_found_exception",
  "es_rejected_execution_exception",
  "opensearch_rejected_execution_exception",
  "rejected_execution_exception",
  "circuit_breaking_exception",
  "no_shard_available_action_exception",
  "unavailable_shards_exception",
  "shard_not_found_exception",
  "primary_missing_action_exception",
  "process_cluster_event_timeout_exception",
  "node_not_connected_exception",
  "node_closed_exception",
  "version_conflict_engine_exception",
]);

/**
 * Whether a refused bulk item may succeed later. 429, 409 and 5xx always may; so may a 4xx whose
 * error is about the cluster or index rather than the document. What remains (a 400
 * `mapper_parsing_exception`, `illegal_argument_exception`, `document_parsing_exception`…) is
 * the document's own fault and is dead-lettered.
 */
export function isPassingRefusal(status: number, errorType: string | undefined): boolean {
  if (status === 429 || status === 409 || status >= 500) return true;
  return errorType !== undefined && PASSING_ERROR_TYPES.has(errorType);
}

/** A bulk (or mget) item's error, as the engine reports it. */
export interface ItemError {
  type?: string;
  reason?: string;
}

export function describeItemError(error: ItemError | undefined): string {
  return `${error?.type ?? "error"}: ${error?.reason ?? "unknown"}`;
}

export function emptyOutcome(): BulkOutcome {
  return { indexed: [], retryable: [], rejected: [] };
}

/** Sort one refused item into the outcome. */
export function addFailure(outcome: BulkOutcome, id: string, status: number, error: ItemError | undefined): void {
  const failure = { id, status, reason: describeItemError(error) };
  if (isPassingRefusal(status, error?.type)) outcome.retryable.push(failure);
  else outcome.rejected.push(failure);
}

/**
 * Split bulk lines (action and source pairs) into requests of at most `maxBytes` of JSON each, so
 * that a chunk of long reviews never meets the engine's request limit (100 MB by default) or
 * holds a request open for long. A pair larger than the limit goes alone. Each request comes as
 * its NDJSON body: every line is serialised once, measured and sent as is.
 */
export function splitBulk(pairs: { action: unknown; source?: unknown }[], maxBytes: number): { body: string; count: number }[] {
  const requests: { body: string; count: number }[] = [];
  let current: string[] = [];
  let count = 0;
  let size = 0;
  for (const pair of pairs) {
    const action = JSON.stringify(pair.action);
    const source = pair.source === undefined ? undefined : JSON.stringify(pair.source);
    const bytes = action.length + (source === undefined ? 0 : source.length) + 2;
    if (count > 0 && size + bytes > maxBytes) {
      requests.push({ body: `${current.join("\n")}\n`, count });
      current = [];
      count = 0;
      size = 0;
    }
    current.push(action);
    if (source !== undefined) current.push(source);
    count += 1;
    size += bytes;
  }
  if (count > 0) requests.push({ body: `${current.join("\n")}\n`, count });
  return requests;
}
