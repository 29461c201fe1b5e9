import { BallastError } from "@ballast/core";
import { expect } from "vitest";

/**
 * Awaits `promise`, expects it to reject with a Ballast error of `code` (matched with `isInstance`,
 * as callers are told to), and returns that error for further checks.
 */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<BallastError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(BallastError.isInstance(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  return error as BallastError;
}
