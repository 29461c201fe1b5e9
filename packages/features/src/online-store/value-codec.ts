import { Buffer } from "node:buffer";
import type { LogicalScalarType, LogicalType } from "@ballast/core";
import { OnlineStoreError } from "./online-store-error.js";
import type { OnlineValue } from "./types.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function typeName(type: LogicalType): string {
  return typeof type === "string" ? type : `list<${type.list}>`;
}

function mismatch(feature: string, type: LogicalType, value: unknown, reason: string): OnlineStoreError {
  let shown: string;
  try {
    shown = typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return new OnlineStoreError(
    "ONLINE_STORE_VALUE_INVALID",
    `Feature "${feature}" (${typeName(type)}) got ${shown}: ${reason}.`,
    { hint: `Give "${feature}" a ${typeName(type)} value or null.`, details: { feature, type } },
  );
}

function normalizeScalar(feature: string, type: LogicalScalarType, value: unknown, whole: LogicalType) {
  switch (type) {
    case "bool":
      if (typeof value === "boolean") return value;
      throw mismatch(feature, whole, value, "not a boolean");
    case "int32":
      if (typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
        return value + 0;
      }
      if (typeof value === "bigint" && value >= INT32_MIN && value <= INT32_MAX) return Number(value);
      throw mismatch(feature, whole, value, "not a 32-bit integer");
    case "int64":
      if (typeof value === "bigint") {
        if (value >= INT64_MIN && value <= INT64_MAX) return value;
        throw mismatch(feature, whole, value, "out of the int64 range");
      }
      // A safe integer number is exact, so accepting it loses nothing; larger numbers may be rounded.
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      throw mismatch(feature, whole, value, "not a bigint (or a safe integer number)");
    case "float32":
      if (typeof value === "number") return Math.fround(value);
      throw mismatch(feature, whole, value, "not a number");
    case "float64":
      if (typeof value === "number") return value;
      throw mismatch(feature, whole, value, "not a number");
    case "timestamp":
      if (typeof value === "number" && Number.isInteger(value)) return value + 0;
      throw mismatch(feature, whole, value, "not an integer of epoch milliseconds");
    case "string":
      if (typeof value === "string") return value;
      throw mismatch(feature, whole, value, "not a string");
    case "bytes":
      if (value instanceof Uint8Array) return new Uint8Array(value);
      throw mismatch(feature, whole, value, "not a Uint8Array");
  }
}

/**
 * Checks a value against its logical type and returns the value as stores keep it: int32 and
 * timestamps as numbers, int64 as bigint (a safe integer number is accepted and converted), float32
 * rounded to single precision, bytes copied, lists as new frozen arrays. Null is allowed everywhere
 * (and inside lists unless `elementNullable` is false).
 *
 * @throws OnlineStoreError `ONLINE_STORE_VALUE_INVALID` naming the feature, its type and the value.
 */
export function normalizeValue(feature: string, type: LogicalType, value: unknown): OnlineValue {
  if (value === null || value === undefined) return null;
  if (typeof type === "string") return normalizeScalar(feature, type, value, type);
  if (!Array.isArray(value)) throw mismatch(feature, type, value, "not an array");
  const out: OnlineValue[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (element === null || element === undefined) {
      if (type.elementNullable === false) throw mismatch(feature, type, value, `element ${i} is null`);
      out[i] = null;
    } else {
      out[i] = normalizeScalar(feature, type.list, element, type);
    }
  }
  return Object.freeze(out);
}

function floatText(value: number): string {
  // String() gives the shortest text that parses back to the same double, and "NaN"/"Infinity";
  // only the sign of zero needs help.
  return value === 0 && 1 / value < 0 ? "-0" : String(value);
}

// The text of a normalized, non-null scalar, without the string/bytes marker.
function scalarText(type: LogicalScalarType, value: OnlineValue): string {
  switch (type) {
    case "bool":
      return value ? "1" : "0";
    case "float32":
    case "float64":
      return floatText(value as number);
    case "bytes":
      return Buffer.from(
        (value as Uint8Array).buffer,
        (value as Uint8Array).byteOffset,
        (value as Uint8Array).byteLength,
      ).toString("base64");
    default:
      return String(value);
  }
}

/**
 * Encodes a NORMALIZED value (from {@link normalizeValue}) as text, the form both stores persist.
 * `null` is the empty string; strings and bytes (base64) carry a leading `=` so that an empty string
 * differs from null; numbers are their shortest round-trip text (`NaN`, `Infinity`, `-0` kept);
 * booleans `1`/`0`; lists a JSON array of element texts (null elements as JSON null).
 */
export function encodeValue(type: LogicalType, value: OnlineValue): string {
  if (value === null) return "";
  if (typeof type === "string") {
    const text = scalarText(type, value);
    return type === "string" || type === "bytes" ? `=${text}` : text;
  }
  const list = value as readonly OnlineValue[];
  const texts: (string | null)[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const element = list[i]!;
    texts[i] = element === null ? null : scalarText(type.list, element);
  }
  return JSON.stringify(texts);
}

function parseScalar(type: LogicalScalarType, text: string): OnlineValue {
  switch (type) {
    case "bool":
      return text === "1";
    case "int32":
    case "float32":
    case "float64":
    case "timestamp":
      return Number(text);
    case "int64":
      return BigInt(text);
    case "string":
      return text;
    case "bytes": {
      const buffer = Buffer.from(text, "base64");
      return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
    }
  }
}

/**
 * Decodes the text written by {@link encodeValue} for the same type. A missing field (`null`, as
 * Redis returns for an absent hash field) and the empty string decode to null.
 *
 * @throws OnlineStoreError `ONLINE_STORE_CORRUPT` when a list's text is not the JSON that
 *   `encodeValue` writes.
 */
export function decodeValue(type: LogicalType, text: string | null | undefined): OnlineValue {
  if (!text) return null;
  if (typeof type === "string") {
    return type === "string" || type === "bytes" ? parseScalar(type, text.slice(1)) : parseScalar(type, text);
  }
  let texts: unknown;
  try {
    texts = JSON.parse(text);
  } catch (cause) {
    throw new OnlineStoreError(
      "ONLINE_STORE_CORRUPT",
      `A stored list value is not valid JSON: ${text.slice(0, 40)}`,
      {
        cause,
        hint: "Rewrite the view (materialize again); the stored entry was not written by Ballast.",
      },
    );
  }
  if (!Array.isArray(texts)) {
    throw new OnlineStoreError(
      "ONLINE_STORE_CORRUPT",
      `A stored list value is not a JSON array: ${text.slice(0, 40)}`,
      {
        hint: "Rewrite the view (materialize again); the stored entry was not written by Ballast.",
      },
    );
  }
  const out: OnlineValue[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const element: unknown = texts[i];
    out[i] = typeof element === "string" ? parseScalar(type.list, element) : null;
  }
  return Object.freeze(out);
}

/** A decoder of one type's texts, equivalent to `decodeValue(type, text)`. */
export type ValueDecoder = (text: string | null | undefined) => OnlineValue;

const numberDecoder: ValueDecoder = (text) => (text ? Number(text) : null);
const stringDecoder: ValueDecoder = (text) => (text ? text.slice(1) : null);

/**
 * The decoder of one logical type, resolved once, for hot read paths that decode many values of
 * the same feature. Same results as {@link decodeValue}.
 */
export function valueDecoder(type: LogicalType): ValueDecoder {
  if (type === "float64" || type === "float32" || type === "int32" || type === "timestamp")
    return numberDecoder;
  if (type === "string") return stringDecoder;
  return (text) => decodeValue(type, text);
}
