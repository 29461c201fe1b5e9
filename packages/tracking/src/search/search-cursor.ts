import { createHash } from "node:crypto";
import { BallastError } from "@ballast/core";

/** A sort value as a cursor carries it: JSON has no NaN or infinities, so those travel as tags. */
type CursorValue = number | string | null | { f: "NaN" | "Infinity" | "-Infinity" };

interface CursorPayload {
  /** Format version. */
  v: 1;
  /** Fingerprint of the search the cursor continues (workspace, experiments, filter, order). */
  q: string;
  /** Sort values of the last row of the previous page, run id last. */
  k: CursorValue[];
  /** Checksum of the fields above, so an edited cursor is refused rather than silently misread. */
  c: string;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** The fingerprint of a search: a cursor only continues the search it came from. */
export function searchFingerprint(search: unknown): string {
  return digest(JSON.stringify(search));
}

function toCursorValue(value: unknown): CursorValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return { f: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
  }
  return String(value);
}

function fromCursorValue(value: CursorValue): number | string | null {
  if (value === null || typeof value !== "object") return value;
  return Number(value.f);
}

/** Encodes the position after a row as an opaque base64url token. */
export function encodeCursor(fingerprint: string, values: readonly unknown[]): string {
  const k = values.map(toCursorValue);
  const body = JSON.stringify({ v: 1, q: fingerprint, k });
  const payload: CursorPayload = { v: 1, q: fingerprint, k, c: digest(body) };
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

function invalid(reason: string): BallastError {
  return new BallastError("CURSOR_INVALID", `The search cursor is invalid: ${reason}.`, {
    hint: "Pass back the nextCursor of the previous page unchanged, with the same experiment, filter and orderBy; start again without a cursor otherwise.",
  });
}

function isCursorValue(value: unknown): value is CursorValue {
  if (value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value)))
    return true;
  if (typeof value !== "object") return false;
  const keys = Object.keys(value as object);
  const f = (value as { f?: unknown }).f;
  return keys.length === 1 && (f === "NaN" || f === "Infinity" || f === "-Infinity");
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the search with this fingerprint and `width`
 * sort columns.
 *
 * @throws BallastError `CURSOR_INVALID` when the token is not one of ours, was edited, or belongs to
 *   another search.
 */
export function decodeCursor(cursor: string, fingerprint: string, width: number): (number | string | null)[] {
  let payload: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("it is not a token returned by searchRuns");
  }
  const p = payload as Partial<CursorPayload> | null;
  if (
    typeof p !== "object" ||
    p === null ||
    p.v !== 1 ||
    typeof p.q !== "string" ||
    typeof p.c !== "string" ||
    !Array.isArray(p.k) ||
    !p.k.every(isCursorValue)
  ) {
    throw invalid("it is not a token returned by searchRuns");
  }
  if (digest(JSON.stringify({ v: 1, q: p.q, k: p.k })) !== p.c) throw invalid("it was modified");
  if (p.q !== fingerprint)
    throw invalid("it was issued for a different search (workspace, experiment, filter or orderBy)");
  if (p.k.length !== width || typeof p.k[width - 1] !== "string")
    throw invalid("it does not match this ordering");
  return p.k.map(fromCursorValue);
}
