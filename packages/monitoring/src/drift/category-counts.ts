import type { CategoryValue } from "./column-data.js";

/** Frequencies of categories, in first-seen order. */
export type CategoryCounts = Map<CategoryValue, number>;

/** Counts each value. */
export function countCategories(values: Iterable<CategoryValue>): CategoryCounts {
  const counts: CategoryCounts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** A stable order for categories of mixed types: by type name, then by value. */
export function compareCategories(a: CategoryValue, b: CategoryValue): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The union of the categories of both sides, sorted with {@link compareCategories}. */
export function unionCategories(a: CategoryCounts, b: CategoryCounts): CategoryValue[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort(compareCategories);
}
