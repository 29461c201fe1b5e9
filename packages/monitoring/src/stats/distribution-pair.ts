import { StatisticsError } from "./statistics-error.js";

/** Validates two discrete distributions (non-negative weights of equal length) and returns them as arrays. */
export function distributionPair(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  names: [string, string] = ["p", "q"],
): [Float64Array, Float64Array] {
  if (p.length === 0 || q.length === 0) {
    throw new StatisticsError(
      "MONITORING_EMPTY_SAMPLE",
      `${p.length === 0 ? names[0] : names[1]} has no bins.`,
      {
        hint: "Pass distributions with at least one bin (see numericBins/categoricalBins).",
        details: { argument: p.length === 0 ? names[0] : names[1] },
      },
    );
  }
  if (p.length !== q.length) {
    throw new StatisticsError(
      "MONITORING_INVALID_INPUT",
      `${names[0]} has ${p.length} bins, ${names[1]} has ${q.length}.`,
      {
        hint: "Bin both samples on the same edges or categories (numericBins/categoricalBins).",
        details: { argument: names[1] },
      },
    );
  }
  const out: [Float64Array, Float64Array] = [Float64Array.from(p), Float64Array.from(q)];
  out.forEach((values, k) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) {
        throw new StatisticsError("MONITORING_NON_FINITE", `${names[k]}[${i}] is ${v}.`, {
          hint: "Distributions must hold finite weights.",
          details: { argument: names[k], index: i },
        });
      }
      if (v < 0) {
        throw new StatisticsError(
          "MONITORING_INVALID_INPUT",
          `${names[k]}[${i}] is ${v}; weights must be >= 0.`,
          {
            hint: "Pass counts or proportions.",
            details: { argument: names[k], index: i },
          },
        );
      }
      sum += v;
    }
    if (sum === 0) {
      throw new StatisticsError("MONITORING_EMPTY_SAMPLE", `${names[k]} sums to 0.`, {
        hint: "A distribution needs some positive weight.",
        details: { argument: names[k] },
      });
    }
  });
  return out;
}

/** Scales weights to sum to 1 (in place). */
export function normalise(values: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  for (let i = 0; i < values.length; i++) values[i]! /= sum;
  return values;
}
