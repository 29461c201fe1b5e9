import type { LogicalScalarType, LogicalType, LogicalTypeInput } from "@ballast/core";

/** Any value a feature can hold in JS (int64 as bigint, timestamps as epoch ms, lists as arrays). */
export type FeatureValue = boolean | number | bigint | string | Uint8Array | readonly (FeatureValue | null)[];

type ScalarValue<T extends LogicalScalarType> = T extends "bool"
  ? boolean
  : T extends "int64"
    ? bigint
    : T extends "string"
      ? string
      : T extends "bytes"
        ? Uint8Array
        : number;

/**
 * The JS type of a value of logical type `T`: `"float64"` → `number`, `"int64"` → `bigint`,
 * `"timestamp"` → `number` (epoch ms), `{ list: "string" }` → `readonly (string | null)[]`.
 */
export type LogicalValue<T extends LogicalTypeInput> = T extends LogicalScalarType
  ? ScalarValue<T>
  : T extends { list: infer E extends LogicalScalarType }
    ? readonly (ScalarValue<E> | null)[]
    : never;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function scalarMismatch(type: LogicalScalarType, value: unknown): string | undefined {
  switch (type) {
    case "bool":
      return typeof value === "boolean" ? undefined : "expected a boolean";
    case "int32":
      return typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
        ? undefined
        : "expected an int32 (an integer number between -2^31 and 2^31-1)";
    case "int64":
      return typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX
        ? undefined
        : "expected an int64 as a bigint (write 42n or BigInt(x))";
    case "float32":
    case "float64":
      return typeof value === "number" ? undefined : `expected a ${type} (a number)`;
    case "string":
      return typeof value === "string" ? undefined : "expected a string";
    case "bytes":
      return value instanceof Uint8Array ? undefined : "expected bytes (a Uint8Array)";
    case "timestamp":
      return (typeof value === "number" && Number.isFinite(value)) ||
        (value instanceof Date && Number.isFinite(value.getTime()))
        ? undefined
        : "expected a timestamp (a Date or epoch milliseconds)";
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (value instanceof Date) return `Date(${value.toISOString?.() ?? "invalid"})`;
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/**
 * Why `value` is not a valid non-null value of `type`, or undefined when it is. Null handling is the
 * caller's (features are nullable). List elements may be null.
 *
 * @example valueMismatch("int64", 3) // "expected an int64 as a bigint (write 42n or BigInt(x)), got number 3"
 */
export function valueMismatch(type: LogicalType, value: unknown): string | undefined {
  if (typeof type === "string") {
    const problem = scalarMismatch(type, value);
    return problem === undefined ? undefined : `${problem}, got ${describe(value)}`;
  }
  if (!Array.isArray(value)) return `expected a list of ${type.list}, got ${describe(value)}`;
  for (const [i, element] of value.entries()) {
    if (element === null || element === undefined) {
      if (type.elementNullable) continue;
      return `element ${i}: null in a list whose elements are not nullable`;
    }
    const problem = scalarMismatch(type.list, element);
    if (problem !== undefined) return `element ${i}: ${problem}, got ${describe(element)}`;
  }
  return undefined;
}

/** Converts a valid timestamp value (Date or epoch ms) to epoch milliseconds. */
export function toEpochMs(value: Date | number): number {
  return typeof value === "number" ? value : value.getTime();
}
