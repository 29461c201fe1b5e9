/**
 * Ballast quickstart on the embedded defaults: no server needed. It opens a workspace under a
 * temporary directory and walks through each package in turn:
 *   1. core: a Parquet file through the blob store, the local event log, the metadata database (PGlite);
 *   2. tracking: a tiny training run whose model is registered, promoted through a gate and resolved;
 *   3. features: an entity, two feature views and a transform; point-in-time-correct training data
 *      logged to a run; materialization into the embedded online store; online reads; a zero-skew check;
 *   4. monitoring: a stored reference profile, shifted predictions streamed through the event log, a
 *      monitor that raises a drift alert, and the HTML drift report.
 * examples/tracking.ts, examples/features.ts and examples/monitoring.ts go further.
 *
 * Run: npm run quickstart
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  encodePredictionLogRecord,
  openWorkspace,
  readParquet,
  readParquetMetadata,
  writeParquet,
} from "@ballast/core";
import {
  defineEntity,
  defineFeatureService,
  defineFeatureView,
  defineTransform,
  openFeatureStore,
  parquetSource,
} from "@ballast/features";
import {
  type Alert,
  callbackSink,
  createMonitor,
  createProfileStore,
  type DriftReport,
  profile,
  renderReport,
} from "@ballast/monitoring";
import { createRegistry, createTracker } from "@ballast/tracking";
import { Float64, Int64, Table, TimestampMillisecond, tableFromArrays, vectorFromArray } from "apache-arrow";
import { z } from "zod";

/** A seeded generator so the quickstart prints the same numbers every time. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const root = mkdtempSync(join(tmpdir(), "ballast-quickstart-"));
try {
  await using workspace = await openWorkspace({ root }, { env: {}, configFile: false });
  console.log(`workspace "${workspace.name}" under ${workspace.config.root}`);

  // 1. Parquet through the blob store.
  const artifacts = await workspace.artifacts();
  const trips = tableFromArrays({
    trip_id: Int32Array.from({ length: 1000 }, (_, i) => i),
    distance_km: Float64Array.from({ length: 1000 }, (_, i) => 0.5 + (i % 40) * 0.25),
    city: Array.from({ length: 1000 }, (_, i) => ["lisbon", "porto", "faro"][i % 3]!),
  });
  const written = await writeParquet(artifacts, "datasets/trips.parquet", trips, { compression: "zstd" });
  const metadata = await readParquetMetadata(artifacts, "datasets/trips.parquet");
  const back = await readParquet(artifacts, "datasets/trips.parquet", { columns: ["city", "distance_km"] });
  const total = back
    .getChild("distance_km")!
    .toArray()
    .reduce((sum: number, km: number) => sum + km, 0);
  console.log(
    `parquet: wrote ${written.numRows} rows (${written.size} bytes, sha256 ${written.sha256.slice(0, 12)}…), ` +
      `${metadata.rowGroups.length} row group(s); read back ${back.numRows} rows, total ${total.toFixed(2)} km`,
  );
  if (back.numRows !== trips.numRows) throw new Error("Parquet round trip lost rows");

  // 2. The embedded event log: append keyed prediction events, consume them as a group.
  const stream = await workspace.stream();
  await stream.createTopic("predictions", { partitions: 3 });
  const appended = await stream.append(
    "predictions",
    Array.from({ length: 9 }, (_, i) => ({
      key: `customer-${i % 3}`,
      value: JSON.stringify({ customer: i % 3, score: i / 10 }),
    })),
  );
  console.log(
    `event log: appended ${appended.length} records to partitions ${[...new Set(appended.map((a) => a.partition))].join(", ")}`,
  );
  let consumed = 0;
  {
    await using consumer = await stream.consume({ topic: "predictions", group: "quickstart" });
    for await (const batch of consumer) {
      consumed += batch.records.length;
      await consumer.commit(batch);
      if (consumed >= appended.length) break;
    }
  }
  console.log(`event log: consumed and committed ${consumed} records as group "quickstart"`);
  if (consumed !== appended.length) throw new Error("event log lost records");

  // 3. The metadata database (PGlite): per-package migrations, then a query.
  const db = await workspace.metadata();
  await db.migrate({
    package: "quickstart",
    migrations: [
      {
        id: "0001_create_notes",
        sql: "CREATE TABLE quickstart_notes (id text PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
      },
    ],
  });
  await db.query("INSERT INTO quickstart_notes (id, body) VALUES ($1, $2)", [
    "n1",
    `dataset ${written.sha256}`,
  ]);
  const { rows } = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM quickstart_notes");
  console.log(`metadata: ${rows[0]?.count} note(s) stored in ${workspace.config.metadata.uri}`);

  // 4. Tracking and the registry: fit y = a·x by gradient descent, log it, register, promote, resolve.
  await using tracker = await createTracker(workspace);
  await using registry = await createRegistry(workspace);
  const experiment = await tracker.experiment("fare-per-km", {
    params: z.object({ learningRate: z.number().positive() }),
    metrics: ["mse"] as const,
  });
  const learningRate = 0.002;
  const run = await experiment.startRun({ params: { learningRate } });
  await run.logDataset({ key: "datasets/trips.parquet", store: artifacts }, { name: "trips" });
  const distances = trips.getChild("distance_km")!.toArray() as Float64Array;
  const fares = distances.map((km) => 2.5 * km);
  let slope = 0;
  for (let epoch = 0; epoch < 50; epoch++) {
    let gradient = 0;
    let mse = 0;
    distances.forEach((km, i) => {
      const error = slope * km - fares[i]!;
      gradient += (2 * error * km) / distances.length;
      mse += (error * error) / distances.length;
    });
    slope -= learningRate * gradient;
    run.logMetric("mse", mse, { step: epoch });
  }
  await run.logArtifact({ text: JSON.stringify({ slope }) }, { path: "model.json" });
  await run.end();
  const version = await registry.createVersion("fare-per-km", { runId: run.id, artifactPath: "model.json" });
  await registry.promote("fare-per-km", version.version, {
    alias: "production",
    gate: [{ metric: "mse", op: "<", value: 0.01 }],
  });
  const production = await registry.resolve("models:/fare-per-km@production");
  const model = JSON.parse(new TextDecoder().decode(await registry.downloadArtifact(production)));
  console.log(
    `tracking: ${production.uri} is in production, slope ${model.slope.toFixed(4)} (true value 2.5)`,
  );

  // 5. The feature store: hourly driver stats over the last day and one rating per driver.
  const HOUR = 3_600_000;
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - 24 * HOUR;
  const next = random(7);
  const drivers = Array.from({ length: 10 }, (_, i) => BigInt(i + 1));
  const stats = { driver_id: [] as bigint[], event_ts: [] as number[], conv_rate: [] as number[] };
  for (let hour = 0; hour < 24; hour++) {
    for (const id of drivers) {
      stats.driver_id.push(id);
      stats.event_ts.push(start + hour * HOUR);
      stats.conv_rate.push(Math.round(next() * 1000) / 1000);
    }
  }
  const utc = new TimestampMillisecond("UTC");
  await writeParquet(
    artifacts,
    "sources/driver_stats.parquet",
    new Table({
      driver_id: vectorFromArray(stats.driver_id, new Int64()),
      event_ts: vectorFromArray(stats.event_ts, utc),
      conv_rate: vectorFromArray(stats.conv_rate, new Float64()),
    }),
  );
  await writeParquet(
    artifacts,
    "sources/driver_ratings.parquet",
    new Table({
      driver_id: vectorFromArray(drivers, new Int64()),
      ts: vectorFromArray(
        drivers.map(() => start),
        utc,
      ),
      avg_rating: vectorFromArray(
        drivers.map(() => 3 + Math.round(next() * 200) / 100),
        new Float64(),
      ),
    }),
  );
  const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });
  const driverStats = defineFeatureView({
    name: "driver_stats",
    entities: [driver],
    schema: { conv_rate: "float64" },
    source: parquetSource({
      name: "driver_stats",
      path: "sources/driver_stats.parquet",
      timestampField: "event_ts",
    }),
    lookback: "1d",
    maxAge: "6h",
  });
  const driverRatings = defineFeatureView({
    name: "driver_ratings",
    entities: [driver],
    schema: { avg_rating: "float64" },
    source: parquetSource({
      name: "driver_ratings",
      path: "sources/driver_ratings.parquet",
      timestampField: "ts",
    }),
  });
  // One function, run by the offline join and by online reads alike.
  const pickupScore = defineTransform({
    name: "pickup_score",
    inputs: ["driver_stats:conv_rate", "driver_ratings:avg_rating"],
    outputs: { score: "float64" },
    transform: ({ conv_rate, avg_rating }) => ({
      score:
        conv_rate === null || avg_rating === null ? null : (conv_rate as number) * (avg_rating as number),
    }),
  });
  const pickupModel = defineFeatureService({
    name: "pickup_model",
    features: ["driver_stats:conv_rate", "driver_ratings:avg_rating", "pickup_score:score"],
  });
  await using features = await openFeatureStore({ workspace, definitions: [pickupScore] });
  await features.apply(await features.plan([driverStats, driverRatings, pickupScore, pickupModel]));

  const labels = Array.from({ length: 100 }, () => ({
    driver_id: drivers[Math.floor(next() * drivers.length)]!,
    event_timestamp: start + Math.floor(next() * 24 * HOUR),
  }));
  const training = await features.getHistoricalFeatures({
    entities: labels,
    features: pickupModel,
    save: { path: "training/pickup_model.parquet" },
  });
  const pickupExperiment = await tracker.experiment("pickup", { params: z.object({}), metrics: [] as const });
  const pickupRun = await pickupExperiment.startRun({ params: {} });
  const logged = await pickupRun.logDataset(training.dataset, { name: "pickup-train" });
  await pickupRun.end();
  console.log(
    `features: ${training.table.numRows} point-in-time-correct training rows logged to run ${pickupRun.name} ` +
      `(digest ${logged.digest.slice(0, 12)}…)`,
  );

  const materialized = await features.materialize({ start, end });
  const online = await features.getOnlineFeatures({ entities: [{ driver_id: 1n }], features: pickupModel });
  const served = Object.entries(online.rows[0]!).map(
    ([name, cell]) => `${name}=${String(cell.value)} (${cell.status})`,
  );
  console.log(
    `features: materialized ${materialized.written} entity rows; driver 1 online: ${served.join(", ")}`,
  );
  const skew = await features.checkConsistency({
    sample: drivers.length,
    at: end,
    features: ["driver_stats:conv_rate", "driver_ratings:avg_rating", "pickup_score:score"],
  });
  console.log(`features: consistency check found ${skew.mismatches} mismatches between online and offline`);
  if (skew.mismatches !== 0) throw new Error(skew.toString());

  // 6. Monitoring: store a reference profile, stream predictions whose inputs shift halfway, and let a
  //    monitor with 10-minute event-time windows raise a drift alert; then write the HTML report.
  const normal = (mean: number, sd: number) =>
    mean + sd * Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());
  const customer = (shift: number) => ({
    tenure: normal(30 - 12 * shift, 10),
    monthlySpend: normal(60 + 25 * shift, 15),
  });
  await createProfileStore(db, { workspace: workspace.name }).save(
    "churn-reference",
    profile(
      Array.from({ length: 5000 }, () => customer(0)),
      { seed: 1 },
    ),
  );
  await stream.createTopic("churn-predictions", { partitions: 2 });
  const alerts: Alert[] = [];
  let driftReport: DriftReport | undefined;
  await using monitor = await createMonitor({
    name: "churn",
    source: { stream, topic: "churn-predictions", group: "churn-monitor", model: "churn" },
    reference: "churn-reference",
    store: { database: db, workspace: workspace.name },
    windows: { size: "10m", allowedLateness: "1m" },
    rules: [{ kind: "drift", name: "input-drift", minRecords: 100 }],
    sinks: [callbackSink((alert) => void alerts.push(alert))],
    onWindow: (_, reports) => {
      const report = reports.get("input-drift");
      if (report?.datasetDrift) driftReport = report;
    },
  });
  const windowStart = Date.UTC(2026, 0, 5, 9);
  const prediction = (second: number, shift: number) => {
    const inputs = customer(shift);
    const score = 1 / (1 + Math.exp(1 + inputs.tenure / 15 - inputs.monthlySpend / 40));
    return encodePredictionLogRecord({
      model: "churn",
      modelVersion: "1",
      requestId: `req-${second}`,
      eventTime: windowStart + second * 1000,
      features: inputs,
      predictions: { score },
    });
  };
  await stream.append("churn-predictions", [
    ...Array.from({ length: 600 }, (_, s) => prediction(s, 0)),
    ...Array.from({ length: 600 }, (_, s) => prediction(600 + s, 1)),
    prediction(1260, 1), // moves the watermark past the second window's end and its allowed lateness
  ]);
  await monitor.drain();
  const drift = alerts.find((alert) => alert.kind === "drift");
  if (!drift || !driftReport) throw new Error("The monitor raised no drift alert for the shifted window.");
  const reportFile = join(tmpdir(), `ballast-quickstart-drift-${process.pid}.html`);
  writeFileSync(reportFile, renderReport(driftReport));
  console.log(`monitoring: ALERT ${drift.message}`);
  console.log(`monitoring: drift report written to ${reportFile}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
