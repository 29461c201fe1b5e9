import type { PredictionLogRecord } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { overlapCount, windowSpec, windowsFor } from "./event-time-windows.js";
import { type ClosedWindow, WindowAggregator } from "./window-aggregator.js";

const record = (eventTime: number, id = String(eventTime)): PredictionLogRecord => ({
  schemaVersion: 1,
  model: "m",
  modelVersion: "1",
  requestId: id,
  eventTime,
  features: {},
  predictions: { y: 1 },
});

describe("windowsFor", () => {
  it("cuts tumbling and sliding windows aligned to the epoch", () => {
    expect(windowsFor(125, windowSpec({ size: 100 }))).toEqual([{ start: 100, end: 200 }]);
    expect(windowsFor(125, windowSpec({ size: 100, slide: 50 }))).toEqual([
      { start: 50, end: 150 },
      { start: 100, end: 200 },
    ]);
    expect(windowsFor(100, windowSpec({ size: 100, slide: 50 }))).toEqual([
      { start: 50, end: 150 },
      { start: 100, end: 200 },
    ]);
    expect(overlapCount(windowSpec({ size: "1h", slide: "15m" }))).toBe(4);
    expect(overlapCount(windowSpec({ size: 100, slide: 30 }))).toBe(4);
  });

  it("returns exactly the aligned windows that contain t (property, against enumeration)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        (t, size, slideRaw) => {
          const slide = Math.min(size, slideRaw);
          const expected = [];
          // Windows may start before the epoch: a record at t=0 lies in [-slide·k, ...) too.
          for (let start = -Math.ceil(size / slide) * slide; start <= t; start += slide) {
            if (t < start + size) expected.push({ start, end: start + size });
          }
          expect(windowsFor(t, windowSpec({ size, slide }))).toEqual(expected);
        },
      ),
    );
  });

  it("refuses a slide larger than the size and non-positive sizes", () => {
    expect(() => windowSpec({ size: 10, slide: 20 })).toThrow(/slide/);
    expect(() => windowSpec({ size: 0 })).toThrow(/size/);
  });
});

describe("WindowAggregator", () => {
  it("counts records within the allowed lateness and drops later ones", () => {
    const agg = new WindowAggregator(windowSpec({ size: 100, allowedLateness: 30 }));
    const closed: ClosedWindow[] = [];
    let max = Number.NEGATIVE_INFINITY;
    const feed = (t: number) => {
      const result = agg.add(record(t));
      max = Math.max(max, t);
      agg.advance(max - 30);
      closed.push(...agg.drain());
      return result;
    };
    feed(10);
    feed(120); // watermark 90: window [0,100) still open
    expect(feed(95).counted).toBe(true); // late by 25 ms, within 30
    feed(135); // watermark 105: [0,100) closes with 10 and 95
    expect(closed.map((w) => [w.start, w.records.map((r) => r.eventTime)])).toEqual([[0, [10, 95]]]);
    const late = feed(99); // its window has closed
    expect(late).toEqual({ counted: false, droppedFrom: [{ start: 0, end: 100 }] });
    expect(agg.flush().map((w) => [w.start, w.records.map((r) => r.eventTime)])).toEqual([[100, [120, 135]]]);
  });

  it("puts each record in the windows a naive replay says (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2_000 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 400 }),
        (times, size, slideRaw, lateness) => {
          const spec = windowSpec({ size, slide: Math.min(size, slideRaw), allowedLateness: lateness });
          const agg = new WindowAggregator(spec);
          const got = new Map<number, number[]>();
          let dropped = 0;
          const collect = (ws: ClosedWindow[]) => {
            for (const w of ws)
              got.set(
                w.start,
                w.records.map((r) => Number(r.requestId)),
              );
          };
          let seen = Number.NEGATIVE_INFINITY;
          times.forEach((t, i) => {
            dropped += agg.add(record(t, String(i))).droppedFrom.length;
            seen = Math.max(seen, t);
            agg.advance(seen - lateness);
            collect(agg.drain());
          });
          collect(agg.flush());

          // Naive: record i joins window W unless W.end <= max(t_0..t_{i-1}) - lateness.
          const expected = new Map<number, number[]>();
          let naiveDropped = 0;
          let max = Number.NEGATIVE_INFINITY;
          times.forEach((t, i) => {
            for (const w of windowsFor(t, spec)) {
              if (w.end <= max - lateness) naiveDropped++;
              else expected.set(w.start, [...(expected.get(w.start) ?? []), i]);
            }
            max = Math.max(max, t);
          });
          expect(new Map([...got].sort((a, b) => a[0] - b[0]))).toEqual(
            new Map([...expected].sort((a, b) => a[0] - b[0])),
          );
          expect(dropped).toBe(naiveDropped);
        },
      ),
    );
  });
});
