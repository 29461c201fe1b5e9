import pg from "pg";
import { decodeDate, decodeInt8, decodeTimestampWithoutTimeZone, PG_OID } from "../value-decoders.js";
import type { PostgresQueryConfig } from "./postgres-pool.js";

type Decoder = (text: string) => unknown;

// pg's typings accept only its enum of built-in OIDs; any OID works at runtime.
const defaultParser = pg.types.getTypeParser as (oid: number, format?: "text" | "binary") => Decoder;
const parseTextArray = defaultParser(PG_OID.textArray, "text") as (text: string) => unknown[];
const parseBytea = defaultParser(PG_OID.bytea, "text") as (text: string) => Buffer;

function mapNested(values: unknown[], decode: (text: string) => unknown): unknown[] {
  return values.map((value) =>
    value === null ? null : Array.isArray(value) ? mapNested(value, decode) : decode(value as string),
  );
}

/** An array decoder from an element decoder, reading the array literal with `pg`'s own text[] parser. */
function arrayOf(decode: Decoder): Decoder {
  return (text) => mapNested(parseTextArray(text), decode);
}

/** `bytea` as a plain `Uint8Array` view over `pg`'s Buffer (no copy), as PGlite returns it. */
function decodeBytea(text: string): Uint8Array {
  const buffer = parseBytea(text);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const OVERRIDES = new Map<number, Decoder>([
  [PG_OID.int8, decodeInt8],
  [PG_OID.int8Array, arrayOf(decodeInt8)],
  [PG_OID.date, decodeDate],
  [PG_OID.dateArray, arrayOf(decodeDate)],
  [PG_OID.timestamp, decodeTimestampWithoutTimeZone],
  [PG_OID.timestampArray, arrayOf(decodeTimestampWithoutTimeZone)],
  [PG_OID.bytea, decodeBytea],
  [PG_OID.byteaArray, arrayOf(decodeBytea)],
]);

/**
 * Column decoders passed with every statement (not set globally with `pg.types.setTypeParser`, which
 * would change decoding for every other `pg` user in the process, and not on the pool, which the user
 * may own). They make rows read exactly as PGlite's do.
 */
export const BALLAST_PG_TYPES: NonNullable<PostgresQueryConfig["types"]> = {
  getTypeParser(oid, format = "text") {
    if (format === "text") {
      const override = OVERRIDES.get(oid);
      if (override) return override;
    }
    return defaultParser(oid, format);
  },
};
