import { type LogicalType, toArrowType } from "@ballast/core";
import { type Vector, vectorFromArray } from "apache-arrow";
import type { FeatureValue } from "../definitions/logical-value.js";

/**
 * One value of an Arrow column as the JS value of its logical type: timestamps as epoch ms, int64 as
 * bigint, lists as plain arrays (nulls kept), bytes as Uint8Array; null stays null.
 */
export function valueAt(vector: Vector, index: number): FeatureValue | null {
  const value: unknown = vector.get(index);
  return toFeatureValue(value);
}

function toFeatureValue(value: unknown): FeatureValue | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "object" && !(value instanceof Uint8Array)) {
    // An Arrow list cell is a Vector; iterate it so null elements stay null (toArray would drop them).
    const iterable = value as Iterable<unknown>;
    if (typeof iterable[Symbol.iterator] === "function") {
      return Array.from(iterable, (element) => toFeatureValue(element)) as FeatureValue;
    }
  }
  return value as FeatureValue;
}

/** An Arrow vector of a logical type from JS values (null allowed; Dates accepted for timestamps). */
export function vectorOf(
  type: LogicalType,
  values: readonly (FeatureValue | Date | null | undefined)[],
): Vector {
  const normalized = type === "timestamp" ? values.map((v) => (v instanceof Date ? v.getTime() : v)) : values;
  return vectorFromArray(normalized.map((v) => (v === undefined ? null : v)) as unknown[], toArrowType(type));
}

/** Deep equality of two feature values (lists element-wise, bytes byte-wise, NaN equal to NaN). */
export function sameValue(a: FeatureValue | null, b: FeatureValue | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((element, i) => sameValue(element, b[i] ?? null));
  }
  return false;
}
