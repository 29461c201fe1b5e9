/**
 * Monitoring on the embedded defaults (no server): profile a reference dataset and store the profile,
 * stream predictions through the embedded event log as a model server would, let a monitor window
 * them by event time and raise a drift alert when the inputs shift, and write the HTML drift report.
 *
 * Run: npx tsx examples/monitoring.ts   (after npm run build)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePredictionLogRecord, openWorkspace, type PredictionLogRecordInput } from "@ballast/core";
import {
  type Alert,
  callbackSink,
  createMonitor,
  createProfileStore,
  type DriftReport,
  profile,
  renderReport,
} from "@ballast/monitoring";

/** A seeded generator so the example prints the same numbers every time. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const next = random(42);
const normal = (mean: number, sd: number) =>
  mean + sd * Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());

/** One customer; `shift` moves tenure down, spend up and the plan mix towards "basic". */
function customer(shift: number) {
  return {
    tenure: Math.max(0, normal(30 - 12 * shift, 10)),
    monthlySpend: normal(60 + 25 * shift, 15),
    plan: next() < 0.5 + 0.3 * shift ? "basic" : next() < 0.6 ? "pro" : "team",
  };
}

const churnScore = (c: ReturnType<typeof customer>) =>
  1 / (1 + Math.exp(-(-1 - c.tenure / 15 + c.monthlySpend / 40 + (c.plan === "basic" ? 0.5 : 0))));

const root = mkdtempSync(join(tmpdir(), "ballast-monitoring-"));
try {
  await using workspace = await openWorkspace({ root }, { env: {}, configFile: false });
  const database = await workspace.metadata();
  const stream = await workspace.stream();

  // 1. Profile the training data once and store the profile: monitors compare with it, so the
  //    reference data is never read again.
  const reference = Array.from({ length: 5000 }, () => customer(0));
  const stored = await createProfileStore(database, { workspace: workspace.name }).save(
    "churn-reference",
    profile(reference, { seed: 1 }),
    { model: "churn" },
  );
  console.log(
    `stored profile ${stored.name} v${stored.version} (${stored.rowCount} rows, ${stored.columnCount} columns)`,
  );

  // 2. A monitor over the prediction log: 10-minute tumbling windows by event time, records up to a
  //    minute late still counted, a drift rule, alerts to a callback.
  await stream.createTopic("predictions", { partitions: 2 });
  const alerts: Alert[] = [];
  let driftReport: DriftReport | undefined;
  await using monitor = await createMonitor({
    name: "churn",
    source: { stream, topic: "predictions", group: "churn-monitor", model: "churn" },
    reference: "churn-reference",
    store: { database, workspace: workspace.name },
    windows: { size: "10m", allowedLateness: "1m" },
    rules: [{ kind: "drift", name: "input-drift", minRecords: 100 }],
    sinks: [callbackSink((alert) => void alerts.push(alert))],
    onWindow: (result, reports) => {
      const report = reports.get("input-drift");
      console.log(
        `window ${new Date(result.start).toISOString()}: ${result.recordCount} records, ${report ?? result.status}`,
      );
      if (report?.datasetDrift) driftReport = report;
    },
  });

  // 3. Serving logs each prediction: the first window looks like the training data, the second has
  //    shifted inputs. One record per second of event time.
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  const log = (seconds: number, shift: number): PredictionLogRecordInput => {
    const features = customer(shift);
    const score = churnScore(features);
    return {
      model: "churn",
      modelVersion: "3",
      requestId: `req-${seconds}`,
      eventTime: start + seconds * 1000,
      features,
      predictions: { score, churn: score >= 0.5 },
      latencyMs: 2 + next() * 3,
    };
  };
  const records = [
    ...Array.from({ length: 600 }, (_, s) => log(s, 0)),
    ...Array.from({ length: 600 }, (_, s) => log(600 + s, 1)),
    log(1260, 1), // moves the watermark past the second window's end (plus the allowed lateness)
  ];
  await stream.append("predictions", records.map(encodePredictionLogRecord));
  await monitor.drain();

  const stats = monitor.stats();
  console.log(`read ${stats.read} records, ${stats.windowsClosed} windows closed, ${stats.lateDropped} late`);
  const drift = alerts.find((a) => a.kind === "drift");
  if (!drift || !driftReport) throw new Error("The monitor raised no drift alert for the shifted window.");
  console.log(`ALERT ${drift.message}`);

  // 4. The report of the drifted window as one self-contained HTML file.
  const file = join(tmpdir(), `ballast-drift-report-${process.pid}.html`);
  writeFileSync(file, renderReport(driftReport));
  console.log(`drift report written to ${file}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
