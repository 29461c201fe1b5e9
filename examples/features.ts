/**
 * The feature store on the embedded defaults (no server): define an entity, two feature views and an
 * on-demand transform; write the source Parquet files; build point-in-time-correct training data and
 * log it to a tracking run; materialize into the embedded online store; read online; and check that
 * online and offline values agree (zero skew), or fail.
 *
 * Run: npx tsx examples/features.ts   (after npm run build)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock, openWorkspace, writeParquet } from "@ballast/core";
import {
  defineEntity,
  defineFeatureService,
  defineFeatureView,
  defineTransform,
  openFeatureStore,
  parquetSource,
} from "@ballast/features";
import { createTracker } from "@ballast/tracking";
import { Float64, Int32, Int64, Table, TimestampMillisecond, vectorFromArray } from "apache-arrow";
import { z } from "zod";

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1);

// 1. Definitions.
const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });
const driverStats = defineFeatureView({
  name: "driver_stats",
  entities: [driver],
  schema: { conv_rate: "float64", trips_today: "int32" },
  source: parquetSource({
    name: "driver_stats_files",
    path: "sources/driver_stats/",
    timestampField: "event_ts",
    createdTimestampField: "created_ts",
  }),
  lookback: "2d", // training: ignore rows older than two days before the label time
  maxAge: "6h", // online: report values older than six hours as stale
  onlineExpiry: "7d", // online store: drop entries a week after they were written
});
const driverRatings = defineFeatureView({
  name: "driver_ratings",
  entities: [driver],
  schema: { avg_rating: "float64" },
  source: parquetSource({
    name: "driver_ratings_file",
    path: "sources/driver_ratings.parquet",
    timestampField: "ts",
  }),
});
// One pure function, run by the offline join and by online reads alike.
const tripScore = defineTransform({
  name: "trip_score",
  inputs: ["driver_stats:conv_rate", "driver_ratings:avg_rating"],
  request: { distance_km: "float64" },
  outputs: { score: "float64" },
  transform: ({ conv_rate, avg_rating, distance_km }) => ({
    score:
      conv_rate === null || avg_rating === null
        ? null
        : (conv_rate as number) * (avg_rating as number) - 0.01 * (distance_km ?? 0),
  }),
});
const etaModel = defineFeatureService({
  name: "eta_model",
  features: [
    "driver_stats:conv_rate",
    "driver_stats:trips_today",
    "driver_ratings:avg_rating",
    "trip_score:score",
  ],
});

/** A seeded generator so the example prints the same numbers every time. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const root = mkdtempSync(join(tmpdir(), "ballast-features-"));
try {
  // The clock sits at the end of the data, so online freshness (maxAge) reads as it would in production.
  const end = start + 48 * HOUR;
  await using workspace = await openWorkspace(
    { root },
    { env: {}, configFile: false, clock: manualClock(end) },
  );
  const blobs = await workspace.artifacts();

  // 2. Source data: hourly stats for 20 drivers over two days, and one rating per driver.
  const next = random(11);
  const ids: bigint[] = [];
  const times: number[] = [];
  const rates: number[] = [];
  const trips: number[] = [];
  for (let hour = 0; hour < 48; hour++) {
    for (let d = 1; d <= 20; d++) {
      if (next() < 0.3) continue;
      ids.push(BigInt(d));
      times.push(start + hour * HOUR);
      rates.push(Math.round(next() * 1000) / 1000);
      trips.push(Math.floor(next() * 20));
    }
  }
  const ts = new TimestampMillisecond("UTC");
  await writeParquet(
    blobs,
    "sources/driver_stats/part-0.parquet",
    new Table({
      driver_id: vectorFromArray(ids, new Int64()),
      event_ts: vectorFromArray(times, ts),
      created_ts: vectorFromArray(
        times.map((t) => t + 5 * 60_000),
        ts,
      ),
      conv_rate: vectorFromArray(rates, new Float64()),
      trips_today: vectorFromArray(trips, new Int32()),
    }),
  );
  const drivers = Array.from({ length: 20 }, (_, i) => BigInt(i + 1));
  await writeParquet(
    blobs,
    "sources/driver_ratings.parquet",
    new Table({
      driver_id: vectorFromArray(drivers, new Int64()),
      ts: vectorFromArray(
        drivers.map(() => start),
        ts,
      ),
      avg_rating: vectorFromArray(
        drivers.map(() => 3 + Math.round(next() * 200) / 100),
        new Float64(),
      ),
    }),
  );

  await using store = await openFeatureStore({ workspace, definitions: [tripScore] });
  const plan = await store.plan([driverStats, driverRatings, tripScore, etaModel]);
  console.log(`plan:\n${plan.toString()}`);
  await store.apply(plan);

  // 3. Training data: labelled events at arbitrary times, joined point-in-time correctly.
  const labels = Array.from({ length: 200 }, () => ({
    driver_id: drivers[Math.floor(next() * drivers.length)]!,
    event_timestamp: start + Math.floor(next() * 48 * HOUR),
    distance_km: Math.round(next() * 300) / 10,
  }));
  const { table, dataset } = await store.getHistoricalFeatures({
    entities: labels,
    features: etaModel,
    save: { path: "training/eta_model.parquet" },
  });
  console.log(
    `training data: ${table.numRows} rows, columns ${table.schema.fields.map((f) => f.name).join(", ")}`,
  );

  await using tracker = await createTracker(workspace);
  const experiment = await tracker.experiment("eta", {
    params: z.object({ featureService: z.string(), featureViews: z.string() }),
    metrics: [] as const,
  });
  const run = await experiment.startRun({
    params: {
      featureService: `${etaModel.name}@${etaModel.version}`,
      featureViews: dataset.featureViews.map((v) => `${v.name}@${v.version}`).join(","),
    },
  });
  const logged = await run.logDataset(dataset, { name: "eta-train" });
  await run.end();
  console.log(`logged dataset ${logged.name} (digest ${logged.digest.slice(0, 12)}…) to run ${run.name}`);
  if (logged.digest !== dataset.digest) throw new Error("the logged digest differs from the saved file's");

  // 4. Materialize the two days into the online store, in 12-hour chunks. (Materializing only the last
  // day would miss the ratings, written at the start: the consistency check below would report it.)
  const report = await store.materialize({
    start,
    end,
    chunkSize: "12h",
    onProgress: (e) => console.log(`  ${e.view} chunk ${e.chunk}/${e.chunks}: ${e.written} entities`),
  });
  console.log(`materialized ${report.written} entity rows`);

  // 5. Online read: one call for both views; the transform runs on the served values.
  const online = await store.getOnlineFeatures({
    entities: [{ driver_id: 1n }, { driver_id: 2n }, { driver_id: 999n }],
    features: etaModel,
    request: { distance_km: 12.5 },
  });
  for (const [i, row] of online.rows.entries()) {
    const cells = Object.entries(row).map(([name, cell]) => `${name}=${String(cell.value)} (${cell.status})`);
    console.log(`  driver ${String(online.entities[i]!.driver_id)}: ${cells.join(", ")}`);
  }

  // 6. Training/serving consistency on every driver, at the end of the materialized interval.
  const skew = await store.checkConsistency({
    sample: 20,
    at: end,
    features: [
      "driver_stats:conv_rate",
      "driver_stats:trips_today",
      "driver_ratings:avg_rating",
      "trip_score:score",
    ],
  });
  console.log(skew.toString());
  if (skew.mismatches !== 0)
    throw new Error(`online and offline features disagree: ${skew.mismatches} mismatches`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
