/**
 * A source of the current time in epoch milliseconds (UTC). Pass a {@link ManualClock} in tests
 * so time-dependent code (freshness, windows, TTLs) is deterministic.
 */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` (negative values are refused: time does not run backwards). */
  advance(ms: number): void;
  /** Sets the clock to an absolute epoch-millisecond time. */
  set(epochMs: number): void;
}

/**
 * A manual clock starting at `start` (epoch ms or Date; default 0).
 *
 * @example const clock = manualClock(Date.UTC(2026, 0, 1)); clock.advance(60_000);
 */
export function manualClock(start: number | Date = 0): ManualClock {
  let current = typeof start === "number" ? start : start.getTime();
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance() needs a finite ms >= 0, got ${ms}`);
      current += ms;
    },
    set(epochMs) {
      current = epochMs;
    },
  };
}
