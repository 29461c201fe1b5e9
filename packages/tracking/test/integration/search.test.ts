import { BallastError } from "@ballast/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUN_STATUSES } from "../../src/run/run-status.js";
import { getMetricHistories, getMetricHistory } from "../../src/search/metric-history.js";
import { loadRunInfos } from "../../src/search/run-info.js";
import { searchRuns } from "../../src/search/search-runs.js";
import type { TrackingContext } from "../../src/tracking-context.js";
import { trackingBackends } from "../backends.js";
import { type SeedRun, seedRuns } from "./search-fixtures.js";

const BASE = Date.UTC(2025, 0, 1);
const LRS = [0.1, 0.01, 0.001, 0.0001];

/** 200 runs with known, overlapping values: ties in start time and accuracy, missing params and metrics. */
function fixtureRuns(): SeedRun[] {
  return Array.from({ length: 200 }, (_, i): SeedRun => {
    const status = RUN_STATUSES[i % 4]!;
    const params: SeedRun["params"] = { lr: LRS[i % 4]!, optimizer: i % 3 === 0 ? "adam" : "sgd" };
    if (i % 5 !== 0) params.batch = 32 * (1 + (i % 4));
    if (i % 7 === 0) params["learning-rate"] = LRS[i % 4]!;
    const tags: Record<string, string> = i % 6 === 5 ? {} : { team: i % 2 ? "ml" : "data" };
    const metrics: SeedRun["metrics"] = { accuracy: [0.5, 0.5 + (i % 10) / 20, (i % 10) / 10] };
    if (i % 3 !== 2) metrics.loss = [2, 1 / (i + 1)];
    return {
      id: `run-${String(i).padStart(3, "0")}`,
      experiment: i < 120 ? "alpha" : "beta",
      name: i % 2 ? `vit-${i}` : `resnet-${i}`,
      status,
      startTime: BASE + (i % 50) * 1000,
      endTime: status === "running" ? null : BASE + 100_000 + i,
      parentRunId: i >= 10 && i < 20 ? "run-000" : null,
      params,
      tags,
      metrics,
    };
  });
}

const runs = fixtureRuns();
const ids = (list: readonly { id: string }[]) => list.map((r) => r.id);

describe.each(trackingBackends())("search on $name", (backend) => {
  let ctx: TrackingContext;
  let other: TrackingContext;

  beforeAll(async () => {
    ctx = await backend.open();
    other = await backend.open();
    await seedRuns(ctx, runs);
    // Another tenant with the same run ids and names: nothing of it may leak into ctx's searches.
    await seedRuns(
      other,
      runs.slice(0, 50).map((r) => ({ ...r, params: { lr: 99 }, tags: { team: "ml" } })),
    );
  });

  afterAll(() => undefined);

  async function all(filter: string, orderBy = ["run_id"]): Promise<string[]> {
    return ids((await searchRuns(ctx, { filter, orderBy, limit: 1000 })).runs);
  }

  const expected = (predicate: (run: SeedRun, i: number) => boolean) =>
    runs.filter(predicate).map((r) => r.id);

  it("filters on params numerically and as text, with and/or/not and precedence", async () => {
    expect(await all("params.lr < 0.01")).toEqual(expected((r) => (r.params.lr as number) < 0.01));
    expect(await all('params.optimizer = "adam" and params.lr >= 0.01 or params.batch = 128')).toEqual(
      expected(
        (r) => (r.params.optimizer === "adam" && (r.params.lr as number) >= 0.01) || r.params.batch === 128,
      ),
    );
    expect(await all("not params.batch > 64")).toEqual(
      expected((r) => !(((r.params.batch ?? 0) as number) > 64)),
    );
    expect(await all("params.`learning-rate` in (0.1, 0.001)")).toEqual(
      expected((r) => r.params["learning-rate"] === 0.1 || r.params["learning-rate"] === 0.001),
    );
    expect(await all("params.batch is null")).toEqual(expected((r) => r.params.batch === undefined));
    expect(await all('params.optimizer != "adam"')).toEqual(expected((r) => r.params.optimizer !== "adam"));
  });

  it("filters on metric summaries, tags and attributes", async () => {
    expect(await all("metrics.accuracy.max >= 0.9 and metrics.loss < 0.02")).toEqual(
      expected(
        (r) =>
          Math.max(...r.metrics.accuracy!) >= 0.9 &&
          r.metrics.loss !== undefined &&
          r.metrics.loss[1]! < 0.02,
      ),
    );
    expect(await all("metrics.accuracy = 0.3")).toEqual(expected((r) => r.metrics.accuracy![2] === 0.3));
    expect(await all("metrics.loss.count = 2")).toEqual(expected((r) => r.metrics.loss !== undefined));
    expect(await all('tags.team = "ml" and status in ("finished", "failed")')).toEqual(
      expected((r) => r.tags.team === "ml" && (r.status === "finished" || r.status === "failed")),
    );
    expect(await all('tags.team not in ("ml")')).toEqual(expected((r) => r.tags.team === "data"));
    expect(await all('name like "resnet-1%"')).toEqual(expected((r) => r.name.startsWith("resnet-1")));
    expect(await all('name ilike "VIT-19_"')).toEqual(expected((r) => /^vit-19.$/.test(r.name)));
    expect(await all('experiment = "beta" and end_time is null')).toEqual(
      expected((r) => r.experiment === "beta" && r.endTime === null),
    );
    expect(await all('parent_run_id = "run-000"')).toEqual(expected((r) => r.parentRunId === "run-000"));
    expect(
      await all(`start_time >= "${new Date(BASE + 45_000).toISOString()}" and run_id < "run-100"`),
    ).toEqual(expected((r) => r.startTime >= BASE + 45_000 && r.id < "run-100"));
  });

  it("scopes to experiments by name", async () => {
    const beta = await searchRuns(ctx, { experiment: "beta", limit: 1000, includeCount: true });
    expect(beta.totalCount).toBe(80);
    expect(new Set(beta.runs.map((r) => r.experimentName))).toEqual(new Set(["beta"]));
    const both = await searchRuns(ctx, { experiment: ["alpha", "beta"], limit: 1, includeCount: true });
    expect(both.totalCount).toBe(200);
    expect((await searchRuns(ctx, { experiment: "nope" })).runs).toEqual([]);
  });

  it("orders by a metric descending with missing values last and ties broken by run id", async () => {
    const page = await searchRuns(ctx, { orderBy: ["metrics.loss DESC"], limit: 1000 });
    const want = [...runs].sort((a, b) => {
      const la = a.metrics.loss?.[1];
      const lb = b.metrics.loss?.[1];
      if (la === undefined || lb === undefined)
        return la === lb ? (a.id < b.id ? -1 : 1) : la === undefined ? 1 : -1;
      return lb - la || (a.id < b.id ? -1 : 1);
    });
    expect(ids(page.runs)).toEqual(ids(want));
    const byStart = await searchRuns(ctx, { orderBy: ["start_time ASC", "params.lr DESC"], limit: 1000 });
    expect(ids(byStart.runs)).toEqual(
      ids(
        [...runs].sort(
          (a, b) =>
            a.startTime - b.startTime ||
            (b.params.lr as number) - (a.params.lr as number) ||
            (a.id < b.id ? -1 : 1),
        ),
      ),
    );
  });

  it.each([
    [["metrics.accuracy DESC"], 'metrics.accuracy.max > 0.6 or tags.team = "ml"'],
    [["params.batch ASC", "name DESC"], undefined],
    [["tags.team DESC", "end_time DESC"], undefined],
    [["start_time DESC"], 'status != "running"'],
  ] as const)("paginates %j over %j: every run exactly once, in one order", async (orderBy, filter) => {
    const options = { orderBy, ...(filter ? { filter } : {}) };
    const whole = await searchRuns(ctx, { ...options, limit: 1000, includeCount: true });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await searchRuns(ctx, { ...options, limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page.runs));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids(whole.runs));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(whole.totalCount);
    expect(pages).toBe(Math.max(1, Math.ceil(seen.length / 7)));
  });

  it("refuses tampered and foreign cursors, bad filters and bad limits", async () => {
    const first = await searchRuns(ctx, { filter: "params.lr < 0.1", limit: 5 });
    const cursor = first.nextCursor!;
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === "A" ? "B" : "A"}${cursor.slice(11)}`;
    await expect(searchRuns(ctx, { filter: "params.lr < 0.1", cursor: tampered })).rejects.toMatchObject({
      code: "CURSOR_INVALID",
    });
    await expect(searchRuns(ctx, { filter: "params.lr < 0.2", cursor })).rejects.toMatchObject({
      code: "CURSOR_INVALID",
    });
    await expect(searchRuns(other, { filter: "params.lr < 0.1", cursor })).rejects.toMatchObject({
      code: "CURSOR_INVALID",
    });
    const error = await searchRuns(ctx, { filter: "params.lr << 1" }).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "FILTER_INVALID")).toBe(true);
    expect((error as Error).message).toContain("params.lr << 1\n             ^");
    await expect(searchRuns(ctx, { limit: 1001 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(searchRuns(ctx, { orderBy: ["metrics.x sideways"] })).rejects.toMatchObject({
      code: "ORDER_BY_INVALID",
    });
  });

  it("keeps tenants apart", async () => {
    expect(await all("params.lr = 99")).toEqual([]);
    const theirs = await searchRuns(other, { filter: "params.lr = 99", limit: 1000, includeCount: true });
    expect(theirs.totalCount).toBe(50);
    expect(theirs.runs.every((r) => r.params.lr === 99)).toBe(true);
    expect(await loadRunInfos(other, ["run-150"])).toEqual([]);
  });

  it("loads run infos in the given order with params, tags and metric summaries", async () => {
    const loaded = await loadRunInfos(ctx, ["run-014", "run-003", "missing", "run-014"]);
    expect(ids(loaded)).toEqual(["run-014", "run-003", "run-014"]);
    expect(loaded[0]).toEqual({
      id: "run-014",
      experimentId: "exp-alpha",
      experimentName: "alpha",
      parentRunId: "run-000",
      name: "resnet-14",
      status: "failed",
      startTime: BASE + 14_000,
      endTime: BASE + 100_014,
      params: { lr: 0.001, optimizer: "sgd", batch: 96, "learning-rate": 0.001 },
      tags: { team: "data" },
      metrics: {
        accuracy: { last: 0.4, step: 2, timestamp: BASE + 14_002, min: 0.4, max: 0.7, count: 3 },
      },
      notes: "notes of resnet-14",
      environment: { node: "v20" },
    });
    expect(loaded[1]).toMatchObject({ status: "killed", endTime: BASE + 100_003, parentRunId: null });
    expect(await loadRunInfos(ctx, [])).toEqual([]);
  });

  describe("metric history", () => {
    const POINTS = 10_007;
    // A pseudo-random walk with a repeated step (logged twice), so "last" must pick the later point.
    const values = Array.from({ length: POINTS }, (_, i) => Math.sin(i * 0.37) * 10 + (i % 13));

    beforeAll(async () => {
      const id = "hist-run";
      await seedRuns(ctx, [
        {
          id,
          experiment: "alpha",
          name: "history",
          status: "finished",
          startTime: BASE,
          endTime: BASE + 1,
          parentRunId: null,
          params: {},
          tags: {},
          metrics: { loss: values, other: [1, 2, 3] },
        },
      ]);
      await ctx.db.query(
        "INSERT INTO tracking_metrics (workspace_id, run_id, key, step, timestamp_ms, value) VALUES ($1, 'hist-run', 'loss', 5000, $2, -1000)",
        [ctx.workspaceId, BASE + 999_999],
      );
      // The other tenant logs the same run id and key: its points must not count.
      await other.db.query(
        "INSERT INTO tracking_metrics (workspace_id, run_id, key, step, timestamp_ms, value) VALUES ($1, 'hist-run', 'loss', 3, 0, 1e9)",
        [other.workspaceId],
      );
    });

    /** The independent computation: bucket i holds steps with floor((step - lo) * n / (hi - lo + 1)) = i. */
    function expectedBuckets(n: number, lo: number, hi: number) {
      const points = values.map((value, step) => ({ step, value, ts: BASE + step }));
      points.push({ step: 5000, value: -1000, ts: BASE + 999_999 });
      const out = new Map<
        number,
        {
          index: number;
          firstStep: number;
          lastStep: number;
          min: number;
          max: number;
          last: number;
          lastTs: number;
          count: number;
        }
      >();
      for (const p of points) {
        if (p.step < lo || p.step > hi) continue;
        const index = Math.floor(((p.step - lo) * n) / (hi - lo + 1));
        const b = out.get(index);
        if (!b) {
          out.set(index, {
            index,
            firstStep: p.step,
            lastStep: p.step,
            min: p.value,
            max: p.value,
            last: p.value,
            lastTs: p.ts,
            count: 1,
          });
          continue;
        }
        b.count++;
        b.min = Math.min(b.min, p.value);
        b.max = Math.max(b.max, p.value);
        b.firstStep = Math.min(b.firstStep, p.step);
        if (p.step > b.lastStep || (p.step === b.lastStep && p.ts > b.lastTs)) {
          b.lastStep = p.step;
          b.last = p.value;
          b.lastTs = p.ts;
        }
      }
      return [...out.values()].sort((a, b) => a.index - b.index).map(({ lastTs: _ts, ...b }) => b);
    }

    it.each([1, 7, 100, 1000, 20_000])("downsamples into %i buckets like the JS computation", async (n) => {
      const history = await getMetricHistory(ctx, "hist-run", "loss", { buckets: n });
      expect(history.steps).toEqual({ min: 0, max: POINTS - 1 });
      expect(history.buckets).toEqual(expectedBuckets(n, 0, POINTS - 1));
    });

    it("downsamples within a step range", async () => {
      const history = await getMetricHistory(ctx, "hist-run", "loss", {
        buckets: 10,
        stepRange: { min: 4990, max: 5100 },
      });
      expect(history.steps).toEqual({ min: 4990, max: 5100 });
      expect(history.buckets).toEqual(expectedBuckets(10, 4990, 5100));
    });

    it("returns raw points in step order, capped, and compares several runs in one call", async () => {
      const capped = await getMetricHistory(ctx, "hist-run", "loss", { stepRange: { min: 4999, max: 5001 } });
      expect(capped.points.map((p) => [p.step, p.value])).toEqual([
        [4999, values[4999]],
        [5000, values[5000]],
        [5000, -1000],
        [5001, values[5001]],
      ]);
      expect(capped.truncated).toBe(false);
      const truncated = await getMetricHistory(ctx, "hist-run", "loss", { maxPoints: 3 });
      expect(truncated.points.map((p) => p.step)).toEqual([0, 1, 2]);
      expect(truncated.truncated).toBe(true);
      const many = await getMetricHistories(ctx, ["run-002", "missing", "run-001"], "loss", {});
      expect(many.map((h) => h.points.map((p) => p.value))).toEqual([[], [], [2, 0.5]]);
      const bucketed = await getMetricHistories(ctx, ["run-001", "hist-run"], "accuracy", { buckets: 2 });
      expect(bucketed[0]!.buckets.map((b) => [b.index, b.count, b.last])).toEqual([
        [0, 2, 0.55],
        [1, 1, 0.1],
      ]);
      expect(bucketed[1]!).toEqual({ runId: "hist-run", key: "accuracy", steps: null, buckets: [] });
      await expect(getMetricHistory(ctx, "hist-run", "loss", { buckets: 0 })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    });
  });
});
