import { describe, expect, it } from "vitest";
import type { MetricRow } from "../../src/metrics/metric-row.js";
import { writeMetricBatch } from "../../src/metrics/write-metric-batch.js";
import { createTracker } from "../../src/tracker.js";
import { trackingBackends } from "../backends.js";

const KEYS = ["loss", "accuracy", "lr", "grad_norm", "val_loss"] as const;

/** Deterministic pseudo-random values (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(trackingBackends())("metrics on $name", (backend) => {
  it("stores 50k buffered points with summaries equal to an independent computation", async () => {
    const ctx = await backend.open();
    const tracker = await createTracker(ctx, {
      captureEnvironment: false,
      metricBuffer: { batchSize: 7_000, maxBuffered: 20_000 },
    });
    const run = await (await tracker.experiment("bulk", { metrics: KEYS })).startRun();
    const next = random(42);
    const expected = new Map<
      string,
      { last: number; lastStep: number; min: number; max: number; count: number }
    >();
    const steps = 10_000;
    // Steps are logged out of order per key (a shuffled permutation), so "last" must come from the
    // highest step, not from the last write.
    const order = Array.from({ length: steps }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const step of order) {
      const values: Record<string, number> = {};
      for (const key of KEYS) {
        const value = next() * 100 - 50;
        values[key] = value;
        const e = expected.get(key);
        if (!e) expected.set(key, { last: value, lastStep: step, min: value, max: value, count: 1 });
        else {
          if (step > e.lastStep) {
            e.last = value;
            e.lastStep = step;
          }
          e.min = Math.min(e.min, value);
          e.max = Math.max(e.max, value);
          e.count++;
        }
      }
      await run.logMetrics(values, { step, timestamp: 1_700_000_000_000 + step });
    }
    await run.end();

    const counts = await ctx.db.query<{ key: string; n: number; steps: number }>(
      `SELECT key, count(*)::int AS n, count(DISTINCT step)::int AS steps FROM tracking_metrics
       WHERE workspace_id = $1 AND run_id = $2 GROUP BY key ORDER BY key`,
      [ctx.workspaceId, run.id],
    );
    expect(counts.rows).toEqual([...KEYS].sort().map((key) => ({ key, n: steps, steps })));
    const summaries = await ctx.db.query<{
      key: string;
      last_value: number;
      last_step: number;
      min_value: number;
      max_value: number;
      point_count: number;
    }>(
      `SELECT key, last_value, last_step, min_value, max_value, point_count FROM tracking_metric_summaries
       WHERE workspace_id = $1 AND run_id = $2`,
      [ctx.workspaceId, run.id],
    );
    expect(summaries.rows).toHaveLength(KEYS.length);
    for (const row of summaries.rows) {
      const e = expected.get(row.key)!;
      expect(row).toEqual({
        key: row.key,
        last_value: e.last,
        last_step: e.lastStep,
        min_value: e.min,
        max_value: e.max,
        point_count: e.count,
      });
    }
    await tracker.close();
  });

  it("flushes on end() and on tracker.close(), and defaults steps per metric", async () => {
    const ctx = await backend.open();
    const tracker = await createTracker(ctx, {
      captureEnvironment: false,
      metricBuffer: { flushIntervalMs: 600_000 },
    });
    const experiment = await tracker.experiment("flush", { metrics: ["loss"] });
    const ended = await experiment.startRun();
    const open = await experiment.startRun();
    for (let i = 0; i < 3; i++) {
      ended.logMetric("loss", i);
      open.logMetric("loss", i * 10);
    }
    const count = async (runId: string) =>
      (
        await ctx.db.query<{ n: number; steps: number[] }>(
          "SELECT count(*)::int AS n, array_agg(step ORDER BY step) AS steps FROM tracking_metrics WHERE workspace_id = $1 AND run_id = $2",
          [ctx.workspaceId, runId],
        )
      ).rows[0]!;
    expect((await count(ended.id)).n).toBe(0);
    await ended.end();
    expect(await count(ended.id)).toEqual({ n: 3, steps: [0, 1, 2] });
    expect((await count(open.id)).n).toBe(0);
    await tracker.close();
    expect((await count(open.id)).n).toBe(3);
    const reopened = await createTracker(ctx, { captureEnvironment: false });
    expect((await reopened.getRun(open.id)).status).toBe("running");
    await (await reopened.getRun(open.id)).end();
    await reopened.close();
  });

  it("makes callers wait at the buffer limit and loses nothing", async () => {
    const ctx = await backend.open();
    const tracker = await createTracker(ctx, {
      captureEnvironment: false,
      metricBuffer: { batchSize: 100, maxBuffered: 250, flushIntervalMs: 600_000 },
    });
    const run = await (await tracker.experiment("pressure", { metrics: ["loss"] })).startRun();
    let waits = 0;
    for (let step = 0; step < 2_000; step++) {
      const wait = run.logMetric("loss", step, { step });
      if (wait) {
        waits++;
        await wait;
      }
      expect((run as unknown as { pendingMetricCount: number }).pendingMetricCount).toBeLessThanOrEqual(250);
    }
    expect(waits).toBeGreaterThan(0);
    await run.end();
    const { rows } = await ctx.db.query<{ n: number; max: number }>(
      "SELECT count(*)::int AS n, max(step)::int AS max FROM tracking_metrics WHERE workspace_id = $1 AND run_id = $2",
      [ctx.workspaceId, run.id],
    );
    expect(rows[0]).toEqual({ n: 2_000, max: 1_999 });
    await tracker.close();
  });

  it("stores NaN and infinities with PostgreSQL's ordering in the summary", async () => {
    const ctx = await backend.open();
    const tracker = await createTracker(ctx, { captureEnvironment: false });
    const run = await (await tracker.experiment("nan", { metrics: ["loss"] })).startRun();
    run.logMetric("loss", 1, { step: 0 });
    await run.flush();
    run.logMetric("loss", Number.NaN, { step: 1 });
    run.logMetric("loss", Number.NEGATIVE_INFINITY, { step: 2 });
    await run.end();
    const { rows } = await ctx.db.query<{
      last_value: number;
      min_value: number;
      max_value: number;
      point_count: number;
    }>(
      "SELECT last_value, min_value, max_value, point_count FROM tracking_metric_summaries WHERE workspace_id = $1 AND run_id = $2",
      [ctx.workspaceId, run.id],
    );
    expect(rows[0]!.last_value).toBe(Number.NEGATIVE_INFINITY);
    expect(rows[0]!.min_value).toBe(Number.NEGATIVE_INFINITY);
    expect(rows[0]!.max_value).toBeNaN();
    expect(rows[0]!.point_count).toBe(3);
    await tracker.close();
  });

  it("commits overlapping batch writes of a run in call order, and rolls back one whose predecessor failed", async () => {
    const ctx = await backend.open();
    const point = (step: number, value: number, ts = 1000): MetricRow => ({
      workspace_id: ctx.workspaceId,
      run_id: "overlap",
      key: "loss",
      step,
      timestamp_ms: ts,
      value,
    });
    const summary = async () =>
      (
        await ctx.db.query<{ last_value: number; point_count: number }>(
          "SELECT last_value, point_count FROM tracking_metric_summaries WHERE workspace_id = $1 AND run_id = 'overlap'",
          [ctx.workspaceId],
        )
      ).rows;
    const points = async () =>
      (
        await ctx.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM tracking_metrics WHERE workspace_id = $1 AND run_id = 'overlap'",
          [ctx.workspaceId],
        )
      ).rows[0]!.n;
    // The same step and timestamp in both: the later call must win the summary's last, whichever
    // transaction gets its points in first (the first batch is made slower by being much larger).
    const first = Array.from({ length: 20_000 }, (_, i) => point(i - 20_000, i, 0)).concat([point(5, 1)]);
    await Promise.all([writeMetricBatch(ctx.db, first), writeMetricBatch(ctx.db, [point(5, 2)])]);
    expect(await summary()).toEqual([{ last_value: 2, point_count: 20_002 }]);

    // A failing batch (a step that is no integer) takes the batch after it down too, retryably.
    const failing = writeMetricBatch(ctx.db, [point(1.5, 3)]);
    const after = writeMetricBatch(ctx.db, [point(6, 4)]);
    await expect(failing).rejects.toMatchObject({ code: "DATABASE_ERROR" });
    await expect(after).rejects.toMatchObject({ code: "DATABASE_ERROR", retryable: true });
    expect(await points()).toBe(20_002);
    expect(await summary()).toEqual([{ last_value: 2, point_count: 20_002 }]);
    // Retried in order, both land once.
    await writeMetricBatch(ctx.db, [point(6, 4)]);
    expect(await summary()).toEqual([{ last_value: 4, point_count: 20_003 }]);
  });

  it("samples system metrics besides the declared names", async () => {
    const ctx = await backend.open();
    const tracker = await createTracker(ctx, {
      captureEnvironment: false,
      metricBuffer: { flushIntervalMs: 10 },
    });
    const run = await (await tracker.experiment("system", { metrics: ["loss"] })).startRun({
      systemMetrics: { interval: "20ms" },
    });
    await expect
      .poll(
        async () => {
          await run.flush();
          const { rows } = await ctx.db.query<{ key: string }>(
            "SELECT DISTINCT key FROM tracking_metrics WHERE workspace_id = $1 AND run_id = $2",
            [ctx.workspaceId, run.id],
          );
          return rows.map((r) => r.key).sort();
        },
        { timeout: 5_000 },
      )
      .toEqual(expect.arrayContaining(["system/cpu_percent", "system/memory_bytes"]));
    await run.end();
    await tracker.close();
  });
});
