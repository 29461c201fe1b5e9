import { v7, validate, version } from "uuid";

/**
 * A new UUIDv7: time-ordered, so ids sort by creation time and index well in B-trees.
 *
 * @example const runId = newId(); // "01936b2e-7c1a-7e4b-9f0a-..."
 */
export function newId(): string {
  return v7();
}

/** True when `value` is a UUIDv7 string. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && validate(value) && version(value) === 7;
}

/** Creation time encoded in a UUIDv7 (its first 48 bits), in epoch milliseconds. */
export function idTimestamp(id: string): number {
  if (!isId(id)) throw new TypeError(`Not a UUIDv7: ${JSON.stringify(id)}`);
  return Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}
