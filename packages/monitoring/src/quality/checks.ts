import {
  type Duration,
  fromArrowType,
  type LogicalTypeInput,
  logicalTypeSchema,
  parseDuration,
  type SketchValue,
} from "@ballast/core";
import type { Table, Vector } from "apache-arrow";
import type { ColumnProfile } from "../profile/column-profile.js";
import type { CheckOutcome, QualityCheck, QualityContext, QualitySeverity } from "./quality-check.js";
import { QualityError } from "./quality-error.js";

/** Options every check takes. */
export interface CheckOptions {
  /** Defaults to the check's kind and column, e.g. `null-share:age`. */
  name?: string;
  /** Default `fail`. */
  severity?: QualitySeverity;
}

function base(kind: string, column: string | undefined, options: CheckOptions) {
  const severity = options.severity ?? "fail";
  if (severity !== "warn" && severity !== "fail") {
    throw new QualityError(
      "MONITORING_INVALID_OPTION",
      `Check severity must be "warn" or "fail", got ${String(severity)}.`,
      {
        hint: 'Pass severity: "warn" to report without failing the suite.',
      },
    );
  }
  const name = options.name ?? (column === undefined ? kind : `${kind}:${column}`);
  return column === undefined ? { name, kind, severity } : { name, kind, column, severity };
}

function missingColumn(column: string, context: QualityContext): CheckOutcome {
  const known = [...context.profile.columns.keys()];
  return {
    passed: false,
    error: `column "${column}" is not in the data (columns: ${known.join(", ") || "none"})`,
    message: `Column "${column}" is missing.`,
    method: "none",
  };
}

function requireProfile(column: string, context: QualityContext): ColumnProfile | CheckOutcome {
  return context.profile.columns.get(column) ?? missingColumn(column, context);
}

function isOutcome(value: ColumnProfile | CheckOutcome): value is CheckOutcome {
  return "passed" in value;
}

function columnVector(table: Table, column: string): Vector {
  const index = table.schema.fields.findIndex((field) => field.name === column);
  return table.getChildAt(index)!;
}

/** Non-null values of a column as JS values (numbers for timestamps, strings, booleans, bigints). */
function* values(vector: Vector): Generator<unknown> {
  for (let i = 0; i < vector.length; i++) {
    const value: unknown = vector.get(i);
    if (value !== null && value !== undefined) yield value instanceof Date ? value.getTime() : value;
  }
}

/**
 * The columns and their logical types. With `allowExtra: false` (default true) any other column fails
 * too. Types are compared as logical types (`"float64"`, `{ list: "string" }`); `"any"` accepts every type.
 *
 * @example schemaCheck({ columns: { age: "int32", name: "string" } })
 */
export function schemaCheck(
  options: CheckOptions & { columns: Record<string, LogicalTypeInput | "any">; allowExtra?: boolean },
): QualityCheck {
  const expected = Object.entries(options.columns).map(([name, type]) => {
    if (type === "any") return { name, type: "any" as const };
    const parsed = logicalTypeSchema.safeParse(type);
    if (!parsed.success) {
      throw new QualityError(
        "MONITORING_INVALID_OPTION",
        `schemaCheck: column "${name}" has no logical type ${JSON.stringify(type)}.`,
        {
          hint: 'Use bool, int32, int64, float32, float64, string, bytes, timestamp, { list: T } or "any".',
        },
      );
    }
    return { name, type: JSON.stringify(parsed.data) };
  });
  const allowExtra = options.allowExtra ?? true;
  return {
    ...base("schema", undefined, options),
    evaluate(context) {
      const actual = new Map<string, string>();
      if (context.table) {
        for (const field of context.table.schema.fields) {
          let type = '"unknown"';
          try {
            type = JSON.stringify(fromArrowType(field.type, field.name));
          } catch {}
          actual.set(field.name, type);
        }
      } else {
        for (const column of context.profile.columns.values())
          actual.set(column.name, JSON.stringify(column.type));
      }
      const missing = expected.filter((c) => !actual.has(c.name)).map((c) => c.name);
      const wrong = expected
        .filter((c) => c.type !== "any" && actual.has(c.name) && actual.get(c.name) !== c.type)
        .map((c) => `${c.name}: expected ${c.type}, got ${actual.get(c.name)}`);
      const extra = allowExtra ? [] : [...actual.keys()].filter((name) => !options.columns[name]);
      const problems = [
        ...(missing.length ? [`missing columns: ${missing.join(", ")}`] : []),
        ...(wrong.length ? [`wrong types: ${wrong.join("; ")}`] : []),
        ...(extra.length ? [`unexpected columns: ${extra.join(", ")}`] : []),
      ];
      return {
        passed: problems.length === 0,
        message: problems.length
          ? problems.join(". ")
          : `All ${expected.length} expected columns have their types.`,
        method: "exact",
        observed: { missing, wrong, extra },
      };
    },
  };
}

/**
 * At most `max` (a share in [0, 1]) of the rows are null in `column`; with `includeNaN` NaN counts as
 * missing too. Exact on tables and profiles.
 *
 * @example nullShareCheck({ column: "age", max: 0.01 })
 */
export function nullShareCheck(
  options: CheckOptions & { column: string; max: number; includeNaN?: boolean },
): QualityCheck {
  if (!(options.max >= 0 && options.max <= 1)) {
    throw new QualityError(
      "MONITORING_INVALID_OPTION",
      `nullShareCheck: max must be in [0, 1], got ${options.max}.`,
      {
        hint: "Give a share, e.g. 0.05 for 5%.",
      },
    );
  }
  return {
    ...base("null-share", options.column, options),
    evaluate(context) {
      const column = requireProfile(options.column, context);
      if (isOutcome(column)) return column;
      const rows = column.count + column.nulls;
      const missing = column.nulls + (options.includeNaN ? column.nanCount : 0);
      const share = rows === 0 ? 0 : missing / rows;
      return {
        passed: share <= options.max,
        message: `${missing} of ${rows} values missing (${(share * 100).toFixed(2)}%, allowed ${(options.max * 100).toFixed(2)}%).`,
        method: "exact",
        observed: { missing, rows, share },
      };
    },
  };
}

/**
 * Every non-null value of a numeric or timestamp column lies in [min, max] (either bound optional).
 * NaN violates the range unless `allowNaN`. On a table the violations are counted exactly; on a
 * profile the verdict is exact (it rests on the exact min, max and NaN count) and the number of
 * violations is estimated from the KLL sketch.
 *
 * @example rangeCheck({ column: "age", min: 0, max: 130 })
 */
export function rangeCheck(
  options: CheckOptions & { column: string; min?: number; max?: number; allowNaN?: boolean },
): QualityCheck {
  const lo = options.min ?? Number.NEGATIVE_INFINITY;
  const hi = options.max ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
    throw new QualityError(
      "MONITORING_INVALID_OPTION",
      `rangeCheck: [${options.min}, ${options.max}] is not a range.`,
      {
        hint: "Give min ≤ max (either may be left out).",
      },
    );
  }
  return {
    ...base("range", options.column, options),
    evaluate(context) {
      const column = requireProfile(options.column, context);
      if (isOutcome(column)) return column;
      if (column.kind !== "numeric" && column.kind !== "timestamp") {
        return {
          passed: false,
          error: `column "${options.column}" is ${column.kind}, not numeric or a timestamp`,
          message: `A range needs a numeric or timestamp column; "${options.column}" is ${column.kind}.`,
          method: "none",
        };
      }
      const nan = options.allowNaN ? 0 : column.nanCount;
      if (context.table) {
        let outside = 0;
        for (const value of values(columnVector(context.table, options.column))) {
          const x = Number(value);
          if (x < lo || x > hi) outside++;
        }
        const violations = outside + nan;
        return {
          passed: violations === 0,
          message: `${violations} of ${column.count} values outside [${lo}, ${hi}]${nan ? ` (${nan} NaN)` : ""}; observed [${column.min}, ${column.max}].`,
          method: "exact",
          observed: { violations, min: column.min, max: column.max, nan: column.nanCount },
        };
      }
      const passed = nan === 0 && (column.min === null || (column.min >= lo && column.max! <= hi));
      let estimate = nan;
      const sketch = column.quantiles;
      if (sketch && sketch.count > 0) {
        const below =
          lo === Number.NEGATIVE_INFINITY ? 0 : sketch.rank(lo) * sketch.count - (column.min === lo ? 1 : 0);
        const above = hi === Number.POSITIVE_INFINITY ? 0 : (1 - sketch.rank(hi)) * sketch.count;
        estimate += Math.max(0, Math.round(below)) + Math.max(0, Math.round(above));
      }
      return {
        passed,
        message: passed
          ? `Observed [${column.min}, ${column.max}] lies in [${lo}, ${hi}].`
          : `Observed [${column.min}, ${column.max}]${nan ? ` and ${nan} NaN` : ""} outside [${lo}, ${hi}]; about ${estimate} violations (KLL estimate, ±${(sketch?.rankErrorBound ?? 0) * 100}% of ${column.count}).`,
        method: "exact",
        observed: { min: column.min, max: column.max, nan: column.nanCount, estimatedViolations: estimate },
      };
    },
  };
}

/**
 * At most `maxShare` (default 0) of the non-null values are outside `values`. On a table: exact. On a
 * profile: exact while the column has at most `frequentCapacity` distinct values (the frequent-items
 * sketch then holds every value with its exact count); otherwise an error asks for the table.
 *
 * @example allowedValuesCheck({ column: "country", values: ["DE", "FR"] })
 */
export function allowedValuesCheck(
  options: CheckOptions & { column: string; values: readonly SketchValue[]; maxShare?: number },
): QualityCheck {
  const allowed = new Set<SketchValue>(options.values);
  const maxShare = options.maxShare ?? 0;
  return {
    ...base("allowed-values", options.column, options),
    evaluate(context) {
      const column = requireProfile(options.column, context);
      if (isOutcome(column)) return column;
      let disallowed = 0;
      const examples: SketchValue[] = [];
      if (context.table) {
        for (const value of values(columnVector(context.table, options.column))) {
          if (!allowed.has(value as SketchValue)) {
            disallowed++;
            if (examples.length < 5 && !examples.includes(value as SketchValue))
              examples.push(value as SketchValue);
          }
        }
      } else {
        if (column.frequent.maxError > 0) {
          return {
            passed: false,
            error: `column "${options.column}" has more distinct values than the profile's frequentCapacity (${column.frequent.capacity}), so its value counts are not exact`,
            message:
              "Allowed values cannot be checked exactly from this profile: run the suite on the table, or profile with a larger frequentCapacity.",
            method: "none",
          };
        }
        for (const item of column.frequent.topK()) {
          if (!allowed.has(item.value)) {
            disallowed += item.count;
            if (examples.length < 5) examples.push(item.value);
          }
        }
      }
      const total = column.count - column.nanCount;
      const share = total === 0 ? 0 : disallowed / total;
      return {
        passed: share <= maxShare,
        message: `${disallowed} of ${total} values not allowed${examples.length ? ` (e.g. ${examples.map((v) => JSON.stringify(typeof v === "bigint" ? `${v}` : v)).join(", ")})` : ""}.`,
        method: "exact",
        observed: { disallowed, total, share, examples: examples.map(String) },
      };
    },
  };
}

/**
 * No non-null value of `column` repeats. On a table: exact (a set of the values). On a profile the
 * HyperLogLog estimate is compared with the count: duplicates are reported when the estimate is below
 * count·(1 − 3·standard error), a test with a false-alarm rate of about 0.1%; with `exact: true` a
 * profile gives an error instead, since exact uniqueness needs the rows.
 *
 * @example uniquenessCheck({ column: "user_id" })
 */
export function uniquenessCheck(options: CheckOptions & { column: string; exact?: boolean }): QualityCheck {
  return {
    ...base("uniqueness", options.column, options),
    evaluate(context) {
      const column = requireProfile(options.column, context);
      if (isOutcome(column)) return column;
      if (context.table) {
        const seen = new Set<unknown>();
        let duplicates = 0;
        for (const value of values(columnVector(context.table, options.column))) {
          const key = typeof value === "object" ? JSON.stringify(value) : value;
          if (seen.has(key)) duplicates++;
          else seen.add(key);
        }
        return {
          passed: duplicates === 0,
          message: `${duplicates} duplicate values among ${column.count}.`,
          method: "exact",
          observed: { duplicates, distinct: seen.size },
        };
      }
      if (options.exact) {
        return {
          passed: false,
          error: "exact uniqueness needs the raw rows; a profile only has a distinct-count estimate",
          message: "Run this check on the table, or drop `exact: true` to use the HyperLogLog estimate.",
          method: "none",
        };
      }
      const estimate = column.distinct.estimate();
      const threshold = column.count * (1 - 3 * column.distinct.standardError);
      return {
        passed: estimate >= threshold,
        message: `About ${Math.round(estimate)} distinct values among ${column.count} (HyperLogLog, standard error ${(column.distinct.standardError * 100).toFixed(2)}%).`,
        method: "estimate",
        observed: { estimatedDistinct: estimate, count: column.count },
      };
    },
  };
}

/**
 * The newest value of a timestamp column is at most `maxAge` old (`"1h"`, `"2d"` or milliseconds) by
 * the suite's clock. Exact on tables and profiles (it uses the column's max).
 *
 * @example freshnessCheck({ column: "event_time", maxAge: "1h" })
 */
export function freshnessCheck(options: CheckOptions & { column: string; maxAge: Duration }): QualityCheck {
  const maxAge = parseDuration(options.maxAge);
  return {
    ...base("freshness", options.column, options),
    evaluate(context) {
      const column = requireProfile(options.column, context);
      if (isOutcome(column)) return column;
      if (column.kind !== "timestamp") {
        return {
          passed: false,
          error: `column "${options.column}" is ${column.kind}, not a timestamp`,
          message: "Freshness needs a timestamp (or date) column.",
          method: "none",
        };
      }
      const now = context.clock.now();
      if (column.max === null) {
        return {
          passed: false,
          message: "The column has no timestamps, so the data is not fresh.",
          method: "exact",
          observed: { newest: null },
        };
      }
      const age = now - column.max;
      return {
        passed: age <= maxAge,
        message: `Newest value ${new Date(column.max).toISOString()} is ${Math.round(age / 1000)} s old (allowed ${Math.round(maxAge / 1000)} s).`,
        method: "exact",
        observed: { newest: column.max, ageMs: age, maxAgeMs: maxAge },
      };
    },
  };
}

/**
 * A custom row predicate: at most `maxFailShare` (default 0) of the rows fail `test`. Rows are plain
 * objects (`table.get(i).toJSON()`). It needs the rows: on a profile it reports an error, unless
 * `testProfile` is given, which then decides from the profile.
 *
 * @example predicateCheck({ name: "end-after-start", test: (row) => row.end >= row.start })
 */
export function predicateCheck(
  options: CheckOptions & {
    name: string;
    test: (row: Record<string, unknown>, index: number) => boolean;
    testProfile?: (profile: QualityContext["profile"]) => boolean;
    maxFailShare?: number;
  },
): QualityCheck {
  const maxFailShare = options.maxFailShare ?? 0;
  return {
    ...base("predicate", undefined, options),
    evaluate(context) {
      if (!context.table) {
        if (options.testProfile) {
          const passed = options.testProfile(context.profile);
          return {
            passed,
            message: passed ? "The profile satisfies the predicate." : "The profile fails the predicate.",
            method: "exact",
          };
        }
        return {
          passed: false,
          error: "a row predicate needs the raw rows, and the suite ran on a profile",
          message: "Run the suite on the table, or give the check a testProfile function.",
          method: "none",
        };
      }
      let failed = 0;
      const failing: number[] = [];
      const table = context.table;
      for (let i = 0; i < table.numRows; i++) {
        const row = (table.get(i)?.toJSON() ?? {}) as Record<string, unknown>;
        if (!options.test(row, i)) {
          failed++;
          if (failing.length < 10) failing.push(i);
        }
      }
      const share = table.numRows === 0 ? 0 : failed / table.numRows;
      return {
        passed: share <= maxFailShare,
        message: `${failed} of ${table.numRows} rows fail${failing.length ? ` (rows ${failing.join(", ")}${failed > failing.length ? ", ..." : ""})` : ""}.`,
        method: "exact",
        observed: { failed, rows: table.numRows, share, failingRows: failing },
      };
    },
  };
}
