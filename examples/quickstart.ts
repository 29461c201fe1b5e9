/**
 * Ballast quickstart on the embedded defaults: no server needed. It opens a workspace under a
 * temporary directory, writes a Parquet file through the blob store and reads it back, appends
 * prediction events to the local event log and consumes them as a consumer group, stores a row in
 * the metadata database (PGlite), and tracks a tiny training run whose model is registered,
 * promoted through a gate and resolved by alias. examples/tracking.ts goes further.
 *
 * Run: npm run quickstart
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWorkspace, readParquet, readParquetMetadata, writeParquet } from "@ballast/core";
import { createRegistry, createTracker } from "@ballast/tracking";
import { tableFromArrays } from "apache-arrow";
import { z } from "zod";

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
} finally {
  rmSync(root, { recursive: true, force: true });
}
