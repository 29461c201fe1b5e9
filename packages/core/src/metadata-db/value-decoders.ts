import { BallastError } from "../errors/ballast-error.js";

/**
 * Column decoders that both backends install, so a row reads the same from PGlite and PostgreSQL
 * (`pg` and PGlite disagree out of the box on `int8`, `date` and `timestamp`).
 */

/** PostgreSQL type OIDs whose decoding Ballast fixes. */
export const PG_OID = {
  bytea: 17,
  int8: 20,
  date: 1082,
  timestamp: 1114,
  byteaArray: 1001,
  textArray: 1009,
  int8Array: 1016,
  timestampArray: 1115,
  dateArray: 1182,
} as const;

/**
 * `int8` as a `number`, refusing values a double cannot hold: silently rounding an id or a counter is
 * worse than an error the caller can fix with a `::text` cast.
 */
export function decodeInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new BallastError("DATABASE_ERROR", `The int8 value ${text} does not fit in a JavaScript number.`, {
      hint: "Cast the column to text (col::text) and parse it with BigInt, or keep it as numeric.",
      details: { value: text },
    });
  }
  return value;
}

/**
 * `timestamp` (without time zone) read as UTC. Ballast stores times in UTC; `pg` would otherwise read
 * the value in the process's local zone and PGlite in UTC, so the same row would differ by host.
 */
export function decodeTimestampWithoutTimeZone(text: string): Date {
  if (text === "infinity") return new Date(8.64e15);
  if (text === "-infinity") return new Date(-8.64e15);
  const bc = text.endsWith(" BC");
  const body = bc ? text.slice(0, -3) : text;
  const date = new Date(`${body.replace(" ", "T")}Z`);
  if (bc) date.setUTCFullYear(1 - date.getUTCFullYear());
  return date;
}

/** `date` as its `YYYY-MM-DD` text: a calendar day, not an instant, so no time zone can shift it. */
export function decodeDate(text: string): string {
  return text;
}
