import type { Vector } from "apache-arrow";
import { StatisticsError } from "./statistics-error.js";

/**
 * A one-dimensional numeric sample. Nulls (`null`/`undefined` in arrays, null slots in an Arrow vector) are
 * dropped and counted. NaN and ±Infinity are rejected with `MONITORING_NON_FINITE` unless the caller passes
 * `nonFinite: "drop"`, which drops and counts them too.
 */
export type NumericSample =
  | Float64Array
  | Float32Array
  | Int32Array
  | readonly (number | null | undefined)[]
  | Vector;

/** What to do with NaN and ±Infinity. */
export interface SampleOptions {
  /** `"error"` (default): throw `MONITORING_NON_FINITE`; `"drop"`: drop them like nulls. */
  nonFinite?: "error" | "drop";
}

/** A sample after the missing-value policy: finite values only, plus what was dropped. */
export interface CleanSample {
  values: Float64Array;
  /** Nulls dropped. */
  nulls: number;
  /** NaN/±Infinity dropped (only with `nonFinite: "drop"`). */
  nonFinite: number;
}

function isArrowVector(sample: NumericSample): sample is Vector {
  return typeof (sample as Vector).getChild === "function" && "data" in (sample as object);
}

/**
 * Applies the missing-value policy and returns a fresh Float64Array (callers may sort it in place).
 *
 * @throws StatisticsError `MONITORING_NON_FINITE` for NaN/±Infinity without `nonFinite: "drop"`;
 *   `MONITORING_EMPTY_SAMPLE` when nothing is left; `MONITORING_INVALID_INPUT` for a non-numeric element.
 */
export function cleanSample(
  sample: NumericSample,
  argument: string,
  options: SampleOptions = {},
): CleanSample {
  const drop = options.nonFinite === "drop";
  let source: ArrayLike<unknown>;
  let nulls = 0;
  if (isArrowVector(sample)) {
    if (sample.nullCount === 0) {
      source = sample.toArray() as ArrayLike<unknown>;
    } else {
      const n = sample.length;
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = sample.isValid(i) ? sample.get(i) : null;
      source = out;
    }
  } else {
    source = sample;
  }
  const n = source.length;
  const values = new Float64Array(n);
  let count = 0;
  let nonFinite = 0;
  const typed = ArrayBuffer.isView(source);
  for (let i = 0; i < n; i++) {
    const raw = source[i];
    let v: number;
    if (typed) {
      v = Number(raw);
    } else if (raw === null || raw === undefined) {
      nulls++;
      continue;
    } else if (typeof raw === "number") {
      v = raw;
    } else if (typeof raw === "bigint") {
      v = Number(raw);
    } else {
      throw new StatisticsError(
        "MONITORING_INVALID_INPUT",
        `${argument}[${i}] is ${typeof raw}, not a number.`,
        {
          hint: "Pass numbers, null for missing values, or a numeric Arrow vector.",
          details: { argument, index: i },
        },
      );
    }
    if (v - v !== 0) {
      if (drop) {
        nonFinite++;
        continue;
      }
      throw new StatisticsError(
        "MONITORING_NON_FINITE",
        `${argument}[${i}] is ${v}; statistics need finite values.`,
        {
          hint: 'Replace NaN/Infinity with null (dropped and counted), or pass { nonFinite: "drop" }.',
          details: { argument, index: i },
        },
      );
    }
    values[count++] = v;
  }
  if (count === 0) {
    throw new StatisticsError(
      "MONITORING_EMPTY_SAMPLE",
      `${argument} has no values (${n} given, ${nulls} null, ${nonFinite} non-finite).`,
      {
        hint: "Pass a sample with at least one finite value.",
        details: { argument, length: n, nulls, nonFinite },
      },
    );
  }
  return { values: count === n ? values : values.slice(0, count), nulls, nonFinite };
}
