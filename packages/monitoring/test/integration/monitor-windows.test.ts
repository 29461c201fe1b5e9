import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createLogEventStream,
  createPGliteDatabase,
  type EventStream,
  encodePredictionLogRecord,
  type MetadataDatabase,
  newId,
  type PredictionLogRecordInput,
} from "@ballast/core";
import { afterAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { openPostgresTestSchema } from "../../../../test-support/test-databases.js";
import type { Alert } from "../../src/alerts/alert.js";
import { callbackSink } from "../../src/alerts/callback-sink.js";
import { createMonitor, type RetrainRequest } from "../../src/monitor/create-monitor.js";
import { createWindowStore } from "../../src/monitor/window-store.js";
import { profile } from "../../src/profile/profile.js";
import { createProfileStore } from "../../src/profile/profile-store.js";

/** A seeded generator so every run streams the same records. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const next = random(2026);
const normal = (mean: number) =>
  mean + Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());

function features(shift: number) {
  return { x1: normal(shift), x2: normal(shift), plan: next() < 0.7 - shift / 3 ? "basic" : "pro" };
}

const referenceRows = Array.from({ length: 2000 }, () => features(0));
const reference = profile(referenceRows, { seed: 1 });

let counter = 0;
function record(eventTime: number, shift: number, label?: number): PredictionLogRecordInput {
  const f = features(shift);
  const score = 1 / (1 + Math.exp(-f.x1));
  return {
    model: "churn",
    modelVersion: "1",
    requestId: `r-${counter++}`,
    eventTime,
    features: f,
    predictions: { score, predicted: score >= 0.5 ? 1 : 0 },
    ...(label === undefined ? {} : { label, labelTime: eventTime + 1000 }),
  };
}

const postgresUrl = serviceUrl("BALLAST_TEST_POSTGRES_URL", "PostgreSQL");
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ballast-monitor-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface DatabaseCase {
  name: string;
  open(): Promise<MetadataDatabase>;
}

const databases: DatabaseCase[] = [{ name: "pglite", open: () => createPGliteDatabase({}) }];
if (postgresUrl) {
  databases.push({
    name: "postgres",
    open: () => openPostgresTestSchema(postgresUrl, "monitoring_test"),
  });
}

async function openStream(): Promise<EventStream> {
  const stream = await createLogEventStream({ path: tempDir(), fsync: "never" });
  await stream.createTopic("predictions");
  return stream;
}

describe.each(databases)("monitor on the embedded log + $name", ({ open }) => {
  it("closes event-time windows by watermark, counts late records, alerts on drift and stores each window", async () => {
    await using db = await open();
    await using stream = await openStream();
    const workspace = `w-${newId().slice(-12)}`;
    await createProfileStore(db, { workspace }).save("churn-reference", reference);
    const alerts: Alert[] = [];
    const retrains: RetrainRequest[] = [];
    await using monitor = await createMonitor({
      name: "churn",
      source: { stream, topic: "predictions", group: "monitor" },
      reference: "churn-reference",
      store: { database: db, workspace },
      windows: { size: "1m", allowedLateness: "10s" },
      rules: [
        { kind: "drift", name: "features", actions: ["alert", "retrain"], minRecords: 50 },
        {
          kind: "performance",
          name: "accuracy",
          task: "classification",
          prediction: "predicted",
          metric: "accuracy",
          min: 0.99,
        },
      ],
      sinks: [callbackSink((alert) => void alerts.push(alert))],
      onRetrain: (request) => void retrains.push(request),
    });

    const records: PredictionLogRecordInput[] = [];
    for (let i = 0; i < 300; i++) records.push(record(i * 199, 0, i % 2)); // window [0, 60s), no drift
    for (let i = 0; i < 300; i++) records.push(record(60_000 + i * 199, 1.5)); // window [60s, 120s), shifted
    records.push(record(125_000, 1.5)); // watermark 115 s: [0, 60s) closes
    records.push(record(30_000, 0)); // too late for [0, 60s): dropped
    records.push(record(110_000, 1.5)); // behind the newest record, but its window ends after the watermark: counted
    records.push(record(131_000, 1.5)); // watermark 121 s: [60s, 120s) closes
    await stream.append("predictions", records.map(encodePredictionLogRecord));
    await monitor.drain();

    const stats = monitor.stats();
    expect(stats).toMatchObject({
      read: 604,
      counted: 603,
      lateDropped: 1,
      invalid: 0,
      windowsClosed: 2,
      openWindows: 1,
    });
    expect(stats.watermark).toBe(121_000);

    const stored = await monitor.windows();
    expect(stored.map((w) => [w.start, w.end, w.recordCount, w.status])).toEqual([
      [60_000, 120_000, 301, "alert"],
      [0, 60_000, 300, "alert"],
    ]);
    const [second, first] = stored;
    expect(first!.lateDropped).toBe(1);
    expect(first!.labelledCount).toBe(300);
    // The first window: no drift; accuracy of the random labels is about 0.5, below 0.99: fired.
    expect(first!.results.map((r) => [r.rule, r.status])).toEqual([
      ["features", "ok"],
      ["accuracy", "fired"],
    ]);
    // The second: drift on every feature; no labels, so the performance rule is skipped.
    expect(second!.results.map((r) => [r.rule, r.status])).toEqual([
      ["features", "fired"],
      ["accuracy", "skipped"],
    ]);
    expect(second!.results[0]!.details.drifted).toEqual(["x1", "x2", "plan"]);

    expect(alerts.map((a) => [a.rule, a.window.start])).toEqual([
      ["accuracy", 0],
      ["features", 60_000],
    ]);
    expect(alerts[1]).toMatchObject({ monitor: "churn", kind: "drift", severity: "warning" });
    expect(retrains.map((r) => [r.rule, r.window])).toEqual([["features", { start: 60_000, end: 120_000 }]]);

    // End of input: the open window is flushed and stored too.
    const flushed = await monitor.flush();
    expect(flushed.map((w) => [w.start, w.recordCount])).toEqual([[120_000, 2]]);
    expect((await monitor.windows()).length).toBe(3);
  });

  it("resumes a consumer group without re-alerting stored windows", async () => {
    await using db = await open();
    await using stream = await openStream();
    const workspace = `w-${newId().slice(-12)}`;
    const alerts: Alert[] = [];
    const options = {
      name: "resume",
      source: { stream, topic: "predictions", group: "g" },
      reference,
      store: { database: db, workspace },
      windows: { size: 60_000 },
      rules: [{ kind: "drift" as const, name: "features", minRecords: 50 }],
      sinks: [callbackSink((alert) => void alerts.push(alert))],
    };
    const batch = [
      ...Array.from({ length: 200 }, (_, i) => record(i * 250, 2)),
      record(60_000, 0),
      ...Array.from({ length: 400 }, (_, i) => record(61_000 + i * 140, 0)),
    ];
    await stream.append("predictions", batch.map(encodePredictionLogRecord));
    {
      await using first = await createMonitor(options);
      await first.drain();
      expect(first.stats().windowsClosed).toBe(1);
    }
    expect(alerts).toHaveLength(1);
    // The batch held records of the still-open window [60s, 120s), so it was not committed: a new
    // monitor reads it again, recomputes [0, 60s), finds it stored and sends no second alert.
    await stream.append("predictions", [encodePredictionLogRecord(record(200_000, 0))]);
    await using second = await createMonitor(options);
    await second.drain();
    const stored = await second.windows();
    expect(stored.map((w) => [w.start, w.recordCount])).toEqual([
      [60_000, 401],
      [0, 200],
    ]);
    expect(alerts.map((a) => a.window.start)).toEqual([0]);
  });
});

describe("monitor options", () => {
  it("holds the watermark at the slowest partition, so a partition read first makes no other late", async () => {
    const stream = await createLogEventStream({ path: tempDir(), fsync: "never" });
    await using _stream = stream;
    await stream.createTopic("multi", { partitions: 3 });
    const closed: [number, number][] = [];
    await using monitor = await createMonitor({
      name: "multi",
      source: { stream, topic: "multi" },
      reference,
      windows: { size: 10_000 },
      rules: [],
      onWindow: (result) => void closed.push([result.start, result.recordCount]),
    });
    // Keys spread the records over the three partitions; each partition spans every window.
    const records = Array.from({ length: 300 }, (_, i) => record(i * 100, 0));
    await stream.append("multi", records.map(encodePredictionLogRecord));
    await monitor.drain();
    expect(monitor.stats()).toMatchObject({ read: 300, counted: 300, lateDropped: 0 });
    expect(closed).toEqual([
      [0, 100],
      [10_000, 100],
    ]);
  });

  it("divides p-value thresholds by the window overlap for sliding windows (Bonferroni)", async () => {
    await using stream = await openStream();
    const reports: number[] = [];
    await using monitor = await createMonitor({
      name: "sliding",
      source: { stream, topic: "predictions" },
      reference: referenceRows.slice(0, 500),
      windows: { size: "1m", slide: "15s" },
      rules: [{ kind: "drift", name: "features" }],
      onWindow: (_result, byRule) => void reports.push(byRule.get("features")!.pValueDivisor),
    });
    await stream.append(
      "predictions",
      Array.from({ length: 120 }, (_, i) => encodePredictionLogRecord(record(i * 1000, 0))),
    );
    await monitor.drain();
    expect(reports.length).toBeGreaterThan(0);
    expect(new Set(reports)).toEqual(new Set([4]));
    const columns = (await monitor.flush())[0]!.results[0]!.details.report as {
      columns: { threshold: number; test: string }[];
    };
    expect(columns.columns.find((c) => c.test === "ks")!.threshold).toBeCloseTo(0.05 / 4, 15);
  });

  it("counts undecodable records and reports them through onError", async () => {
    await using stream = await openStream();
    const errors: unknown[] = [];
    await using monitor = await createMonitor({
      name: "bad",
      source: { stream, topic: "predictions" },
      reference,
      windows: { size: 1000 },
      rules: [],
      onError: (e) => void errors.push(e),
    });
    await stream.append("predictions", [{ value: "not json" }, encodePredictionLogRecord(record(5, 0))]);
    await monitor.drain();
    expect(monitor.stats()).toMatchObject({ read: 2, invalid: 1, counted: 1 });
    expect((errors[0] as { code: string }).code).toBe("PREDICTION_LOG_INVALID");
  });

  it("refuses a retrain action without onRetrain and a named reference without a store", async () => {
    await using stream = await openStream();
    const base = { name: "m", source: { stream, topic: "predictions" }, windows: { size: 1000 } };
    await expect(
      createMonitor({ ...base, reference, rules: [{ kind: "drift", name: "d", actions: ["retrain"] }] }),
    ).rejects.toMatchObject({ code: "MONITORING_OPTIONS_INVALID" });
    await expect(createMonitor({ ...base, reference: "ref", rules: [] })).rejects.toMatchObject({
      code: "MONITORING_OPTIONS_INVALID",
    });
  });

  it("stops when its signal aborts", async () => {
    await using stream = await openStream();
    const controller = new AbortController();
    const monitor = await createMonitor({
      name: "abort",
      source: { stream, topic: "predictions" },
      reference,
      windows: { size: 1000 },
      rules: [],
      signal: controller.signal,
    });
    controller.abort();
    await monitor.done;
    await monitor.close();
  });

  it("lists stored windows through the window store", async () => {
    await using db = await createPGliteDatabase({});
    const windows = await createWindowStore(db, { workspace: "w" });
    const result = {
      monitor: "m",
      start: 0,
      end: 10,
      recordCount: 3,
      labelledCount: 0,
      lateDropped: 0,
      status: "ok" as const,
      results: [],
      alerts: [],
      closedAt: 20,
    };
    expect(await windows.insert(result)).toBe(true);
    expect(await windows.insert({ ...result, recordCount: 99 })).toBe(false);
    await windows.addLateDropped("m", 0, 10, 2);
    expect(await windows.list("m")).toEqual([{ ...result, lateDropped: 2 }]);
    expect(await (await createWindowStore(db, { workspace: "other" })).list("m")).toEqual([]);
  });
});
