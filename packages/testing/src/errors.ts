import { OdzewError } from "@odzew/core";

/**
 * The OdzewError a promise rejects with, for a test to look at its code, message, retryability and
 * context; fails the test when the promise resolves or rejects with anything else.
 */
export async function odzewFailure(promise: Promise<unknown>): Promise<OdzewError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OdzewError)) throw new Error(`expected an OdzewError, got ${String(error)}`);
  return error;
}
