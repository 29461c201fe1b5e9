import { type Duration, parseDuration } from "@ballast/core";
import { MonitorOptionsError } from "./monitor-error.js";

/** Window options of a monitor. */
export interface WindowOptions {
  /** Length of a window (event time), e.g. `"1h"`. */
  size: Duration;
  /**
   * Distance between window starts. Absent or equal to `size`: tumbling windows (each record in one
   * window). Smaller: sliding windows (each record in about `size / slide` overlapping windows).
   */
  slide?: Duration;
  /**
   * How far behind the newest event time a record may arrive and still be counted (default 0). The
   * watermark is `max event time seen − allowedLateness`; a window closes once the watermark reaches
   * its end, and records arriving for closed windows are counted as dropped.
   */
  allowedLateness?: Duration;
}

/** A window `[start, end)` in epoch milliseconds. */
export interface WindowBounds {
  start: number;
  end: number;
}

/** Parsed window options. */
export interface WindowSpec {
  size: number;
  slide: number;
  allowedLateness: number;
}

/** Validates and parses {@link WindowOptions}. */
export function windowSpec(options: WindowOptions): WindowSpec {
  const size = parseDuration(options.size);
  const slide = options.slide === undefined ? size : parseDuration(options.slide);
  const allowedLateness = options.allowedLateness === undefined ? 0 : parseDuration(options.allowedLateness);
  if (
    !Number.isSafeInteger(size) ||
    size <= 0 ||
    !Number.isSafeInteger(slide) ||
    slide <= 0 ||
    slide > size
  ) {
    throw new MonitorOptionsError(`Invalid windows: size ${size} ms, slide ${slide} ms.`, {
      hint: "Use a positive whole-millisecond size and a slide between 1 ms and the size (equal for tumbling windows).",
      details: { size, slide },
    });
  }
  return { size, slide, allowedLateness };
}

/**
 * How many windows contain each record: `ceil(size / slide)` (1 for tumbling windows). This is the
 * number of tests one record takes part in, the family size of the Bonferroni correction.
 */
export function overlapCount(spec: WindowSpec): number {
  return Math.ceil(spec.size / spec.slide);
}

/**
 * The windows containing event time `t`, oldest first: starts are multiples of `slide` (aligned to the
 * epoch, so every process cuts the same windows), each window `[start, start + size)`.
 */
export function windowsFor(t: number, spec: WindowSpec): WindowBounds[] {
  const out: WindowBounds[] = [];
  const last = Math.floor(t / spec.slide) * spec.slide;
  for (let start = last; start > t - spec.size; start -= spec.slide) {
    out.push({ start, end: start + spec.size });
  }
  return out.reverse();
}
