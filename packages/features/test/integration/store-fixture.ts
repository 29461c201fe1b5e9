/**
 * A small feature world whose expected values are worked out by hand in the comments of
 * feature-store.test.ts: two drivers' trip statistics (with a created timestamp and one late
 * backfill), driver profiles (no created timestamp, a maxAge), a push-fed live view and a transform
 * over both batch views and a request field.
 */
import { type BlobStore, writeParquet } from "@ballast/core";
import { Table } from "apache-arrow";
import { defineEntity } from "../../src/definitions/entity.js";
import { defineFeatureService } from "../../src/definitions/feature-service.js";
import { defineFeatureView } from "../../src/definitions/feature-view.js";
import { parquetSource, pushSource } from "../../src/definitions/sources.js";
import { defineTransform } from "../../src/definitions/transform.js";
import { vectorOf } from "../../src/store/arrow-values.js";

export const T0 = Date.UTC(2026, 0, 1);
export const H = 3_600_000;

export const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });

export const statsSource = parquetSource({
  name: "driver_stats_files",
  path: "sources/driver_stats/",
  timestampField: "event_ts",
  createdTimestampField: "created_ts",
  fieldMapping: { conversion: "conv_rate" },
});
export const driverStats = defineFeatureView({
  name: "driver_stats",
  entities: [driver],
  schema: { conv_rate: "float64", trips: "int32" },
  source: statsSource,
  onlineExpiry: "30d",
});

export const profileSource = parquetSource({
  name: "driver_profile_file",
  path: "sources/profile.parquet",
  timestampField: "ts",
});
export const driverProfile = defineFeatureView({
  name: "driver_profile",
  entities: [driver],
  schema: { rating: "float64", city: "string" },
  source: profileSource,
  lookback: "1d",
  maxAge: "8h",
});

export const liveSource = pushSource({
  name: "driver_live",
  batchSource: parquetSource({
    name: "driver_live_log",
    path: "push/driver_live/",
    timestampField: "event_timestamp",
  }),
});
export const driverLive = defineFeatureView({
  name: "driver_live",
  entities: [driver],
  schema: { speed: "float64" },
  source: liveSource,
});

export const score = defineTransform({
  name: "score",
  inputs: ["driver_stats:conv_rate", "driver_profile:rating"],
  request: { boost: "float64" },
  outputs: { score: "float64" },
  transform: ({ conv_rate, rating, boost }) => ({
    score:
      conv_rate === null || rating === null
        ? null
        : (conv_rate as number) * (rating as number) * (boost ?? 1),
  }),
});

export const service = defineFeatureService({
  name: "eta_model",
  features: ["driver_stats:conv_rate", "driver_stats:trips", "driver_profile:city", "score:score"],
});

export const definitions = [driverStats, driverProfile, driverLive, score, service];

/** Writes the two batch sources (stats in two files, to exercise folders). */
export async function writeSources(blobs: BlobStore): Promise<void> {
  const stats = (rows: [bigint, number, number, number, number][]) =>
    new Table({
      driver_id: vectorOf(
        "int64",
        rows.map((r) => r[0]),
      ),
      event_ts: vectorOf(
        "timestamp",
        rows.map((r) => r[1]),
      ),
      created_ts: vectorOf(
        "timestamp",
        rows.map((r) => r[2]),
      ),
      conversion: vectorOf(
        "float64",
        rows.map((r) => r[3]),
      ),
      trips: vectorOf(
        "int32",
        rows.map((r) => r[4]),
      ),
    });
  await writeParquet(
    blobs,
    "sources/driver_stats/part-0.parquet",
    stats([
      [1n, T0 + 1 * H, T0 + 1 * H, 0.1, 1],
      [1n, T0 + 3 * H, T0 + 3 * H, 0.3, 3],
      [2n, T0 + 2 * H, T0 + 2 * H, 0.2, 2],
    ]),
  );
  await writeParquet(
    blobs,
    "sources/driver_stats/part-1.parquet",
    stats([
      // A late backfill: event at 5h, created at 9h.
      [1n, T0 + 5 * H, T0 + 9 * H, 0.5, 5],
      [3n, T0 + 4 * H, T0 + 4 * H, 0.4, 4],
    ]),
  );
  await writeParquet(
    blobs,
    "sources/profile.parquet",
    new Table({
      driver_id: vectorOf("int64", [1n, 2n]),
      ts: vectorOf("timestamp", [T0, T0 + 7 * H]),
      rating: vectorOf("float64", [4.5, 3]),
      city: vectorOf("string", ["Lyon", "Oslo"]),
    }),
  );
}
