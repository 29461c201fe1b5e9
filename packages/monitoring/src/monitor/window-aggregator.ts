import type { PredictionLogRecord } from "@ballast/core";
import { type WindowBounds, type WindowSpec, windowsFor } from "./event-time-windows.js";

/** The records of one window when it closed. */
export interface ClosedWindow extends WindowBounds {
  records: PredictionLogRecord[];
  /** Records that arrived for this window after it closed, known when it closed (usually 0). */
  lateDropped: number;
}

/** What one call to {@link WindowAggregator.add} did. */
export interface AddResult {
  /** The record was counted in at least one window. */
  counted: boolean;
  /** Windows (already closed) that the record arrived too late for. */
  droppedFrom: WindowBounds[];
}

/**
 * Assigns records to event-time windows and closes them by watermark. The watermark is given by the
 * caller ({@link advance}: for one ordered input, the largest event time seen minus the allowed
 * lateness; see `PartitionWatermarks` for several partitions); it never goes back. A window closes
 * when the watermark reaches its end; a record for a window that already closed is dropped from it
 * (and counted), a record within the allowance still lands in its open windows.
 */
export class WindowAggregator {
  readonly #spec: WindowSpec;
  readonly #open = new Map<number, PredictionLogRecord[]>();
  #watermark = Number.NEGATIVE_INFINITY;

  constructor(spec: WindowSpec) {
    this.#spec = spec;
  }

  /** The current watermark (−∞ before the first {@link advance}). */
  get watermark(): number {
    return this.#watermark;
  }

  /** Moves the watermark forward (a smaller value is ignored). Call {@link drain} after. */
  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
  }

  /** Windows currently open, by start. */
  get openWindows(): number {
    return this.#open.size;
  }

  /** Adds one record to the open windows containing it (see {@link advance}). */
  add(record: PredictionLogRecord): AddResult {
    const watermark = this.watermark;
    const droppedFrom: WindowBounds[] = [];
    let counted = false;
    for (const bounds of windowsFor(record.eventTime, this.#spec)) {
      if (bounds.end <= watermark) {
        droppedFrom.push(bounds);
        continue;
      }
      let records = this.#open.get(bounds.start);
      if (!records) {
        records = [];
        this.#open.set(bounds.start, records);
      }
      records.push(record);
      counted = true;
    }
    return { counted, droppedFrom };
  }

  /** Removes and returns the windows the watermark has passed, oldest first. */
  drain(): ClosedWindow[] {
    return this.#take((end) => end <= this.watermark);
  }

  /** Removes and returns every open window, oldest first (end of input, shutdown). */
  flush(): ClosedWindow[] {
    return this.#take(() => true);
  }

  #take(closes: (end: number) => boolean): ClosedWindow[] {
    const out: ClosedWindow[] = [];
    for (const [start, records] of this.#open) {
      const end = start + this.#spec.size;
      if (!closes(end)) continue;
      this.#open.delete(start);
      out.push({ start, end, records, lateDropped: 0 });
    }
    return out.sort((a, b) => a.start - b.start);
  }
}
