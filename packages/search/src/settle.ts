import type { BulkFailure, BulkOutcome } from "./bulk.ts";

/**
 * Write items until the engine has stored each one or refused it for good. `write` gets the
 * items still pending; items sharing an id (the workflow events of one mention) succeed, retry
 * or fail together. Between rounds `pause` waits (and may throw to stop: nothing is lost, the
 * caller has not committed). Returns the items refused for good, each with the engine's reason,
 * each once: an id reported several times counts once, and an id that is both refused for good
 * and refused for now is refused for good (retrying a document the engine rejects cannot help).
 * An id the outcome does not name as failed is settled and never written again.
 */
export async function writeSettled<T>(
  items: T[],
  idOf: (item: T) => string,
  write: (pending: T[]) => Promise<BulkOutcome>,
  pause: (attempt: number, outcome: BulkOutcome, pending: number) => Promise<void>,
): Promise<{ item: T; failure: BulkFailure }[]> {
  const refused: { item: T; failure: BulkFailure }[] = [];
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const outcome = await write(pending);
    const byId = new Map<string, T[]>();
    for (const item of pending) byId.set(idOf(item), [...(byId.get(idOf(item)) ?? []), item]);
    const settled = new Set<string>();
    for (const failure of outcome.rejected) {
      if (settled.has(failure.id)) continue;
      settled.add(failure.id);
      for (const item of byId.get(failure.id) ?? []) refused.push({ item, failure });
    }
    const retry = new Set(outcome.retryable.map((failure) => failure.id).filter((id) => !settled.has(id)));
    pending = [...retry].flatMap((id) => byId.get(id) ?? []);
    if (pending.length > 0) await pause(attempt, outcome, pending.length);
  }
  return refused;
}
