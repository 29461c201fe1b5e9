import { BallastError } from "../errors/ballast-error.js";

/** A duration: milliseconds, or a string such as `"500ms"`, `"15m"`, `"1d"`, `"1h30m"`. */
export type Duration = number | string;

const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration into milliseconds. Numbers are milliseconds; strings are one or more
 * `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`, `w`, largest first (`"1h30m"`).
 * Months and years are refused because their length varies.
 *
 * @throws BallastError `DURATION_INVALID` for anything else, saying what is accepted.
 * @example parseDuration("15m") // 900000
 */
export function parseDuration(value: Duration): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
    throw invalid(value);
  }
  const text = value.trim();
  if (text === "") throw invalid(value);
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let position = 0;
  let previousUnitMs = Number.POSITIVE_INFINITY;
  while (position < text.length) {
    PART.lastIndex = position;
    const match = PART.exec(text);
    if (!match) throw invalid(value);
    const unitMs = UNIT_MS[match[2] as keyof typeof UNIT_MS];
    // "1m1h" is almost certainly a typo; requiring largest-first makes such strings fail loudly.
    if (unitMs >= previousUnitMs) throw invalid(value);
    previousUnitMs = unitMs;
    total += Number(match[1]) * unitMs;
    position = PART.lastIndex;
  }
  return total;
}

function invalid(value: unknown): BallastError {
  return new BallastError("DURATION_INVALID", `Invalid duration ${JSON.stringify(value)}.`, {
    hint: 'Use milliseconds (a number >= 0) or a string like "500ms", "30s", "15m", "6h", "1d", "2w" or "1h30m".',
    details: { received: value },
  });
}
