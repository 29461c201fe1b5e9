import type { LogicalScalarType } from "@ballast/core";
import { OnlineStoreError } from "./online-store-error.js";

/** A join key value as given by callers: int64 keys may be a bigint or an integer number. */
export type EntityKeyValue = string | number | bigint | boolean;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// Characters written as they are; everything else is escaped, so the separators `;` and `=`, the
// Redis hash-tag braces and `%` itself never appear unescaped.
const PLAIN = /^[A-Za-z0-9_.-]*$/;

/**
 * Escapes every UTF-16 code unit outside `[A-Za-z0-9_.-]`: `%XX` below 0x100, `%uXXXX` above. Works
 * on code units (not code points) so that every JS string, lone surrogates included, has exactly one
 * encoding, and decoding would be unambiguous (`u` is not a hex digit).
 */
export function escapeKeyText(text: string): string {
  if (PLAIN.test(text)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (PLAIN.test(ch)) {
      out += ch;
      continue;
    }
    const unit = text.charCodeAt(i);
    out +=
      unit < 0x100
        ? `%${unit.toString(16).toUpperCase().padStart(2, "0")}`
        : `%u${unit.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return out;
}

function invalid(name: string, type: string, value: unknown, reason: string): OnlineStoreError {
  const shown = typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
  return new OnlineStoreError(
    "ONLINE_STORE_ENTITY_KEY_INVALID",
    `Join key "${name}" (${type}) got ${shown}: ${reason}.`,
    { hint: `Pass "${name}" as a ${type} value.`, details: { joinKey: name, type } },
  );
}

function integerText(name: string, type: "int32" | "int64" | "timestamp", value: EntityKeyValue): string {
  if (typeof value === "bigint") {
    const [min, max] = type === "int32" ? [BigInt(INT32_MIN), BigInt(INT32_MAX)] : [INT64_MIN, INT64_MAX];
    if (value < min || value > max) throw invalid(name, type, value, "out of range");
    return value.toString();
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalid(name, type, value, "not an integer");
  }
  if (type === "int32" && (value < INT32_MIN || value > INT32_MAX)) {
    throw invalid(name, type, value, "out of range");
  }
  // `Object.is(-0, 0)` is false but they are the same integer; `+ 0` turns -0 into 0.
  return BigInt(value + 0).toString();
}

function floatText(name: string, type: "float32" | "float64", value: EntityKeyValue): string {
  if (typeof value !== "number") throw invalid(name, type, value, "not a number");
  if (Number.isNaN(value)) throw invalid(name, type, value, "NaN cannot identify an entity");
  const stored = type === "float32" ? Math.fround(value) : value;
  // Shortest round-trip text; -0 and 0 are one entity.
  return String(stored + 0);
}

function encodeComponent(name: string, type: LogicalScalarType, value: EntityKeyValue | undefined): string {
  if (value === undefined || value === null) throw invalid(name, type, value, "missing");
  switch (type) {
    case "string":
      if (typeof value !== "string") throw invalid(name, type, value, "not a string");
      return `s${escapeKeyText(value)}`;
    case "int32":
    case "int64":
      // int32 and int64 share the tag: the number 7 and the bigint 7n are one entity.
      return `i${integerText(name, type, value)}`;
    case "timestamp":
      return `t${integerText(name, type, value)}`;
    case "float32":
    case "float64":
      return `f${floatText(name, type, value)}`;
    case "bool":
      if (typeof value !== "boolean") throw invalid(name, type, value, "not a boolean");
      return value ? "b1" : "b0";
    case "bytes":
      throw invalid(name, type, value, "bytes cannot be a join key (use a string)");
  }
}

// Own properties only: a join key named "constructor" must not read Object.prototype.
function own(keys: Readonly<Record<string, EntityKeyValue>>, name: string): EntityKeyValue | undefined {
  return Object.hasOwn(keys, name) ? keys[name] : undefined;
}

/**
 * Serializes an entity's join keys into the string that identifies it in online stores (DESIGN.md
 * §5). Deterministic: join keys are sorted by name (UTF-16 code-unit order, independent of object
 * key order), and each value is written with a type tag (`s` string, `i` integer, `t` timestamp,
 * `f` float, `b` bool), so the string `"1"` and the integer `1` differ while the number `1` and the
 * bigint `1n` of an int64 key are the same entity. Names and string values are escaped to
 * `[A-Za-z0-9_.%-]` (floats may add `+`); the result never contains `{`, `}`, `:` or spaces, so it is safe inside Redis
 * keys and hash tags. Keys in `keys` that `types` does not declare are ignored.
 *
 * @throws OnlineStoreError `ONLINE_STORE_ENTITY_KEY_INVALID` when a declared join key is missing, of
 *   the wrong type (or out of range), NaN, or of type `bytes`.
 * @example
 * serializeEntityKey({ driver_id: 1001n }, { driver_id: "int64" })            // "driver_id=i1001"
 * serializeEntityKey({ b: "x", a: 1 }, { a: "int32", b: "string" })           // "a=i1;b=sx"
 */
export function serializeEntityKey(
  keys: Readonly<Record<string, EntityKeyValue>>,
  types: Readonly<Record<string, LogicalScalarType>>,
): string {
  const names = Object.keys(types);
  if (names.length === 1) {
    const name = names[0]!;
    return `${escapeKeyText(name)}=${encodeComponent(name, types[name]!, own(keys, name))}`;
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let out = "";
  for (const name of names) {
    if (out) out += ";";
    out += `${escapeKeyText(name)}=${encodeComponent(name, types[name]!, own(keys, name))}`;
  }
  return out;
}
