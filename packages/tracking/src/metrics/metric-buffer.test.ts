import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { MetricBuffer } from "./metric-buffer.js";
import type { MetricRow } from "./metric-row.js";
import { retryDelayMs } from "./retry-backoff.js";

const point = (step: number): MetricRow => ({
  workspace_id: "w",
  run_id: "r",
  key: "loss",
  step,
  timestamp_ms: step,
  value: step,
});

describe("MetricBuffer", () => {
  it("writes full batches in the background, in order, and the rest on flush", async () => {
    const batches: number[][] = [];
    const buffer = new MetricBuffer({
      batchSize: 10,
      flushIntervalMs: 60_000,
      write: async (rows) => {
        batches.push(rows.map((r) => r.step));
      },
    });
    for (let i = 0; i < 25; i++) expect(buffer.push(point(i))).toBeUndefined();
    await buffer.flush();
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(batches[0]).toHaveLength(10);
    await buffer.close();
  });

  it("applies backpressure at maxBuffered and releases it once a write made room", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const buffer = new MetricBuffer({ batchSize: 2, maxBuffered: 4, write: () => gate });
    const results = Array.from({ length: 6 }, (_, i) => buffer.push(point(i)));
    expect(results.slice(0, 3).every((r) => r === undefined)).toBe(true);
    const wait = results[5];
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(released).toBe(false);
    release();
    await wait;
    await buffer.close();
  });

  it("keeps points across failed writes, retries, and surfaces persistent failure on flush", async () => {
    let failing = true;
    const written: number[] = [];
    const buffer = new MetricBuffer({
      batchSize: 100,
      maxAttempts: 3,
      retryDelayMs: 1,
      maxRetryDelayMs: 2,
      write: async (rows) => {
        if (failing) throw new Error("database down");
        written.push(...rows.map((r) => r.step));
      },
    });
    for (let i = 0; i < 5; i++) buffer.push(point(i));
    const error = await buffer.flush().catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "METRIC_FLUSH_FAILED")).toBe(true);
    expect((error as BallastError).retryable).toBe(true);
    expect(buffer.pendingCount).toBe(5);
    failing = false;
    await buffer.flush();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    await buffer.close();
    expect(() => buffer.push(point(9))).toThrow(/closed/);
  });

  it("overlaps two writes, and on a failure puts back only what was not written", async () => {
    const started: number[] = [];
    const written: number[] = [];
    let release: (ok: boolean) => void = () => {};
    const first = new Promise<boolean>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const buffer = new MetricBuffer({
      batchSize: 2,
      maxAttempts: 1,
      retryDelayMs: 1,
      maxRetryDelayMs: 1,
      write: async (rows) => {
        const call = ++calls;
        started.push(rows[0]!.step);
        if (call === 1 && !(await first)) throw new Error("first write failed");
        written.push(...rows.map((r) => r.step));
      },
    });
    for (let i = 0; i < 4; i++) buffer.push(point(i));
    await expect.poll(() => started).toEqual([0, 2]);
    release(false);
    const error = await buffer.flush().catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "METRIC_FLUSH_FAILED")).toBe(true);
    expect(buffer.pendingCount).toBe(2);
    await buffer.flush();
    expect(written).toEqual([2, 3, 0, 1]);
    await buffer.close();
  });

  it("flushes on the interval without an explicit flush", async () => {
    const written: number[] = [];
    const buffer = new MetricBuffer({
      flushIntervalMs: 5,
      write: async (rows) => {
        written.push(...rows.map((r) => r.step));
      },
    });
    buffer.push(point(1));
    await expect.poll(() => written).toEqual([1]);
    await buffer.close();
  });
});

describe("retryDelayMs", () => {
  it("doubles from the base, capped, with at most half of it random", () => {
    expect(retryDelayMs(1, 100, 1000, () => 0)).toBe(50);
    expect(retryDelayMs(3, 100, 1000, () => 1)).toBe(400);
    expect(retryDelayMs(10, 100, 1000, () => 1)).toBe(1000);
  });

  it("never has more than two writes in flight, and starts none behind a failed one", async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const committed: number[] = [];
    const buffer = new MetricBuffer({
      batchSize: 10,
      maxAttempts: 5,
      retryDelayMs: 1,
      flushIntervalMs: 60_000,
      write: async (rows) => {
        calls++;
        running++;
        most = Math.max(most, running);
        const call = calls;
        // The second write fails at once (a connection error), the first commits later.
        await new Promise((resolve) => setTimeout(resolve, call === 2 ? 0 : 20));
        running--;
        if (call === 2) throw new Error("transient");
        committed.push(...rows.map((r) => r.step));
      },
    });
    for (let i = 0; i < 60; i++) buffer.push(point(i));
    await buffer.flush();
    expect(most).toBeLessThanOrEqual(2);
    // Committed in logging order with no gap: the failed batch was retried before any later one.
    expect(committed).toEqual(Array.from({ length: 60 }, (_, i) => i));
    await buffer.close();
  });

  it("an explicit flush retries at once instead of waiting out the backoff", async () => {
    let failures = 1;
    const buffer = new MetricBuffer({
      batchSize: 100,
      retryDelayMs: 3_600_000,
      maxRetryDelayMs: 3_600_000,
      flushIntervalMs: 1,
      write: async () => {
        if (failures-- > 0) throw new Error("transient");
      },
    });
    buffer.push(point(0));
    // Let the background write fail and arm its hour-long retry timer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await buffer.flush(); // would hang for an hour (or exit with the point lost) before the fix
    await buffer.close();
  });
});
