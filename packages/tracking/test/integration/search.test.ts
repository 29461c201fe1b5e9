import { BallastError } from "@ballast/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOCK_STEPS } from "../../src/metrics/metric-block.js";
import { writeMetricBatch } from "../../src/metrics/write-metric-batch.js";
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
    const NEGATIVE = 200;
    // A pseudo-random walk over steps -200..10006, plus points that make `last`, min and max subtle:
    // a step logged again later (the later timestamp wins), steps logged twice in the same
    // millisecond (the larger value wins, whichever was written first), NaN (above every number, as
    // PostgreSQL orders it) and infinities.
    const walk: Point[] = Array.from({ length: POINTS + NEGATIVE }, (_, i) => {
      const step = i - NEGATIVE;
      return { step, value: Math.sin(step * 0.37) * 10 + (i % 13), ts: BASE + step };
    });
    const special = new Map<number, number>([
      [300, Number.NaN],
      [301, Number.POSITIVE_INFINITY],
      [2000, Number.NEGATIVE_INFINITY],
      [-77, Number.NaN],
      [9999, Number.NEGATIVE_INFINITY],
    ]);
    for (const p of walk) p.value = special.get(p.step) ?? p.value;
    // Ties sit at the last step of a block (6399, 6463, 7039), where they decide a block's `last`; the
    // winner by value is always written first, so a rollup that let the later write win would differ.
    const extra: Point[] = [
      { step: 5000, value: -1000, ts: BASE + 999_999 },
      { step: 6399, value: 1e6, ts: BASE + 6399 },
      { step: 6463, value: Number.NaN, ts: BASE + 6463 },
      { step: 7039, value: 1e5, ts: BASE + 7039 },
      { step: 6400, value: Number.NaN, ts: BASE + 6400 },
    ];
    const late: Point[] = [
      { step: 6399, value: -1e6, ts: BASE + 6399 },
      { step: 6463, value: 5, ts: BASE + 6463 },
      { step: 7039, value: -1e5, ts: BASE + 7039 },
      { step: 6400, value: 5, ts: BASE + 6400 },
      { step: 10_006, value: 42, ts: BASE + 10_006 },
    ];
    const points = [...walk, ...extra, ...late];
    const LO = -NEGATIVE;
    const HI = POINTS - 1;

    const row = (p: Point, workspace: string) => ({
      workspace_id: workspace,
      run_id: "hist-run",
      key: "loss",
      step: p.step,
      timestamp_ms: p.ts,
      value: p.value,
    });

    beforeAll(async () => {
      await seedRuns(ctx, [
        {
          id: "hist-run",
          experiment: "alpha",
          name: "history",
          status: "finished",
          startTime: BASE,
          endTime: BASE + 1,
          parentRunId: null,
          params: {},
          tags: {},
          metrics: { other: [1, 2, 3] },
        },
      ]);
      // Logged out of order and in several flushes, as a buffer would: every block is touched by
      // three batches (steps by residue mod 3, each batch backwards), then the tie-breakers.
      for (let residue = 0; residue < 3; residue++) {
        const batch = walk.filter((p) => ((p.step % 3) + 3) % 3 === residue).reverse();
        await writeMetricBatch(
          ctx.db,
          batch.map((p) => row(p, ctx.workspaceId)),
        );
      }
      await writeMetricBatch(
        ctx.db,
        extra.map((p) => row(p, ctx.workspaceId)),
      );
      await writeMetricBatch(
        ctx.db,
        late.map((p) => row(p, ctx.workspaceId)),
      );
      // The other tenant logs the same run id and key: its points and blocks must not count.
      await writeMetricBatch(other.db, [row({ step: 3, value: 1e9, ts: 0 }, other.workspaceId)]);
    });

    it("keeps the block rollup equal to an aggregation of its points", async () => {
      const { rows } = await ctx.db.query<Record<string, number>>(
        `SELECT block, min_value, max_value, point_count, first_step, last_step, last_value, last_timestamp_ms
           FROM tracking_metric_blocks WHERE workspace_id = $1 AND run_id = 'hist-run' AND key = 'loss' ORDER BY block`,
        [ctx.workspaceId],
      );
      const byBlock = new Map<number, Point[]>();
      for (const p of points) {
        const block = Math.floor(p.step / BLOCK_STEPS);
        byBlock.set(block, [...(byBlock.get(block) ?? []), p]);
      }
      const expected = [...byBlock.entries()]
        .sort(([a], [b]) => a - b)
        .map(([block, list]) => {
          const a = aggregate(list);
          return {
            block,
            min_value: a.min,
            max_value: a.max,
            point_count: a.count,
            first_step: a.firstStep,
            last_step: a.lastStep,
            last_value: a.last,
            last_timestamp_ms: a.lastTs,
          };
        });
      expect(rows).toEqual(expected);
    });

    // n = 1, 7, 100, 150: buckets of 64 steps or more, read from blocks with edges at multiples of 64;
    // 1,000 and 20,000: narrower, read from the points.
    it.each([1, 7, 100, 150, 1000, 20_000])(
      "downsamples into %i buckets like the JS computation",
      async (n) => {
        const history = await getMetricHistory(ctx, "hist-run", "loss", { buckets: n });
        expect(history.steps).toEqual({ min: LO, max: HI });
        expect(history.buckets).toEqual(expectedBuckets(points, n));
      },
    );

    it.each([
      { buckets: 10, stepRange: { min: 4990, max: 5100 } },
      { buckets: 1, stepRange: { min: 4990, max: 5100 } },
      { buckets: 5, stepRange: { min: 1000, max: 9000 } },
      { buckets: 3, stepRange: { min: -150, max: 7000 } },
      { buckets: 4, stepRange: { min: 6400 } },
      { buckets: 4, stepRange: { max: 6399 } },
      { buckets: 1, stepRange: { min: 10, max: 100 } },
      { buckets: 2, stepRange: { min: 64, max: 191 } },
    ])("downsamples within $stepRange into $buckets buckets", async (options) => {
      const history = await getMetricHistory(ctx, "hist-run", "loss", options);
      const min = options.stepRange.min ?? Number.MIN_SAFE_INTEGER;
      const max = options.stepRange.max ?? Number.MAX_SAFE_INTEGER;
      const inRange = points.filter((p) => p.step >= min && p.step <= max);
      const steps = inRange.map((p) => p.step);
      expect(history.steps).toEqual({ min: Math.min(...steps), max: Math.max(...steps) });
      expect(history.buckets).toEqual(expectedBuckets(inRange, options.buckets));
    });

    it("returns raw points in step order, capped, and compares several runs in one call", async () => {
      const capped = await getMetricHistory(ctx, "hist-run", "loss", { stepRange: { min: 4999, max: 5001 } });
      expect(capped.points.map((p) => [p.step, p.value])).toEqual([
        [4999, walk[4999 + NEGATIVE]!.value],
        [5000, walk[5000 + NEGATIVE]!.value],
        [5000, -1000],
        [5001, walk[5001 + NEGATIVE]!.value],
      ]);
      expect(capped.truncated).toBe(false);
      const truncated = await getMetricHistory(ctx, "hist-run", "loss", { maxPoints: 3 });
      expect(truncated.points.map((p) => p.step)).toEqual([-200, -199, -198]);
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

    it("takes the points path for one run and the blocks path for another in one call", async () => {
      const [short, long] = await getMetricHistories(ctx, ["run-001", "hist-run"], "loss", { buckets: 2 });
      expect(short!.buckets.map((b) => [b.index, b.count, b.last])).toEqual([
        [0, 1, 2],
        [1, 1, 0.5],
      ]);
      expect(long!.buckets).toEqual(expectedBuckets(points, 2));
    });
  });
});

interface Point {
  step: number;
  value: number;
  ts: number;
}

/** PostgreSQL's order of double precision: NaN above every number. */
function pgOrder(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a - b || 0;
}

/**
 * The naive aggregate of a list of points, by sorting: min and max in PostgreSQL's order, and `last`
 * the greatest by (step, timestamp, value).
 */
function aggregate(list: readonly Point[]) {
  const values = list.map((p) => p.value).sort(pgOrder);
  const byOrder = [...list].sort((a, b) => a.step - b.step || a.ts - b.ts || pgOrder(a.value, b.value));
  const last = byOrder[byOrder.length - 1]!;
  return {
    min: values[0]!,
    max: values[values.length - 1]!,
    count: list.length,
    firstStep: byOrder[0]!.step,
    lastStep: last.step,
    last: last.value,
    lastTs: last.ts,
  };
}

/**
 * The independent computation of a downsampled history, from the raw points in range. With buckets
 * at least BLOCK_STEPS wide, bucket edges snap to blocks: bucket i of n holds the steps whose block
 * floor(step / B) satisfies floor((block - floor(lo / B)) * n / (floor(hi / B) - floor(lo / B) + 1)) = i;
 * narrower, it holds the steps with floor((step - lo) * n / (hi - lo + 1)) = i.
 */
function expectedBuckets(inRange: readonly Point[], n: number) {
  const lo = Math.min(...inRange.map((p) => p.step));
  const hi = Math.max(...inRange.map((p) => p.step));
  const byBlocks = hi - lo + 1 >= n * BLOCK_STEPS;
  const blockLo = Math.floor(lo / BLOCK_STEPS);
  const blocks = Math.floor(hi / BLOCK_STEPS) - blockLo + 1;
  const groups = new Map<number, Point[]>();
  for (const p of inRange) {
    const index = byBlocks
      ? Math.floor(((Math.floor(p.step / BLOCK_STEPS) - blockLo) * n) / blocks)
      : Math.floor(((p.step - lo) * n) / (hi - lo + 1));
    groups.set(index, [...(groups.get(index) ?? []), p]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, list]) => {
      const { lastTs: _ts, ...a } = aggregate(list);
      return {
        index,
        firstStep: a.firstStep,
        lastStep: a.lastStep,
        min: a.min,
        max: a.max,
        last: a.last,
        count: a.count,
      };
    });
}
