/**
 * The join suite on Parquet sources: the hand-worked golden fixture and a larger random dataset
 * checked against the nested-loop oracle, read through scanSource from a local blob store and
 * from S3 (moto, when BALLAST_TEST_S3_ENDPOINT is set; required under CI=true).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BlobStore, createLocalBlobStore, newId, writeParquet } from "@ballast/core";
import { afterAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { latestValues } from "../../src/offline/latest-values.js";
import { pointInTimeJoin } from "../../src/offline/point-in-time-join.js";
import { scanSource } from "../../src/offline/scan-source.js";
import { type ColumnTypes, type PlainRow, rowsOf, table } from "../fixtures/arrow-tables.js";
import { oracleLatest, oracleMatch } from "../fixtures/as-of-oracle.js";
import {
  customerRows,
  customerTypes,
  driverRows,
  driverTypes,
  entityRows,
  entityTypes,
  expected,
  expectedIncludeCreatedAfter,
  expectedLatest,
  LOOKBACK_MS,
} from "../fixtures/pit-golden.js";

const s3Endpoint = serviceUrl("BALLAST_TEST_S3_ENDPOINT", "S3");
// moto accepts any credentials; static ones keep the SDK from searching the machine for real ones.
const s3Credentials = { accessKeyId: "ballast-test", secretAccessKey: "ballast-test" };

async function s3Store(endpoint: string): Promise<BlobStore> {
  const bucket = `ballast-features-${newId().replaceAll("-", "").slice(-12)}`;
  const { CreateBucketCommand, S3Client } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: s3Credentials,
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  const { createS3BlobStore } = await import("@ballast/core/s3");
  return createS3BlobStore({
    bucket,
    prefix: "offline",
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: s3Credentials,
  });
}

const backends: { name: string; open: () => Promise<BlobStore> }[] = [
  { name: "local files", open: () => createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-join-"))) },
];
if (s3Endpoint) backends.push({ name: "s3", open: () => s3Store(s3Endpoint) });

const opened: BlobStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

/** Deterministic pseudo-random numbers (LCG), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function featureColumns(types: ColumnTypes, names: readonly string[]) {
  return names.map((name) => ({ name, type: types[name]! }));
}

describe.each(backends)("point-in-time join on Parquet ($name)", ({ open }) => {
  it("reproduces the hand-worked golden fixture from a folder of files with several row groups", async () => {
    const store = await open();
    opened.push(store);
    // driver_stats split over two files (r1..r5, r6..r9), 2-row row groups; customer_region one file.
    await writeParquet(store, "driver_stats/part-0.parquet", table(driverRows.slice(0, 5), driverTypes), {
      rowGroupSize: 2,
    });
    await writeParquet(store, "driver_stats/part-1.parquet", table(driverRows.slice(5), driverTypes), {
      rowGroupSize: 2,
    });
    await writeParquet(store, "customer_region.parquet", table(customerRows, customerTypes), {
      rowGroupSize: 3,
    });
    const driverScan = () =>
      scanSource({
        store,
        path: "driver_stats",
        timestampField: "event_ts",
        createdTimestampField: "created_ts",
        columns: featureColumns(driverTypes, ["driver_id", "conv_rate", "trips"]),
      });
    const customerScan = () =>
      scanSource({
        store,
        path: "customer_region.parquet",
        timestampField: "event_ts",
        columns: featureColumns(customerTypes, ["customer_id", "region", "spend", "tier"]),
      });
    const run = (includeCreatedAfter: boolean) =>
      pointInTimeJoin({
        entities: table(entityRows, entityTypes, 3),
        timestampColumn: "event_timestamp",
        views: [
          {
            name: "driver_stats",
            joinKeys: ["driver_id"],
            batches: driverScan,
            lookbackMs: LOOKBACK_MS,
            hasCreatedTimestamp: true,
            includeCreatedAfter,
            features: [
              { column: "conv_rate", outputName: "conv_rate", type: "float64" },
              { column: "trips", outputName: "trips", type: "int32" },
            ],
          },
          {
            name: "customer_region",
            joinKeys: ["customer_id", "region"],
            batches: customerScan,
            hasCreatedTimestamp: false,
            features: [
              { column: "spend", outputName: "spend", type: "float64" },
              { column: "tier", outputName: "tier", type: "string" },
            ],
          },
        ],
      });
    const pick = (rows: Record<string, unknown>[]) =>
      rows.map(({ conv_rate, trips, spend, tier }) => ({ conv_rate, trips, spend, tier }));
    const result = rowsOf(await run(false));
    expect(result.map((row) => row.label)).toEqual(entityRows.map((row) => row.label));
    expect(pick(result)).toEqual(expected);
    expect(pick(rowsOf(await run(true)))).toEqual(expectedIncludeCreatedAfter);

    const latest = await latestValues({
      joinKeys: ["driver_id"],
      batches: driverScan,
      hasCreatedTimestamp: true,
      features: [
        { column: "conv_rate", outputName: "conv_rate", type: "float64" },
        { column: "trips", outputName: "trips", type: "int32" },
      ],
    });
    expect(
      rowsOf(latest).map(({ __event_ts, __created_ts, ...rest }) => ({
        ...rest,
        event_ts: __event_ts,
        created_ts: __created_ts,
      })),
    ).toEqual(expectedLatest);
  });

  it("agrees with the nested-loop oracle on a random dataset of 3 files", async () => {
    const store = await open();
    opened.push(store);
    const next = random(7);
    const pickInt = (n: number) => Math.floor(next() * n);
    const sourceTypes: ColumnTypes = {
      user: "int64",
      shop: "string",
      event_ts: "timestamp",
      created_ts: "timestamp",
      amount: "float64",
    };
    const source: PlainRow[] = Array.from({ length: 1500 }, () => {
      const ts = pickInt(400);
      return {
        user: next() < 0.03 ? null : BigInt(pickInt(20)),
        shop: ["s1", "s2", "s3"][pickInt(3)]!,
        event_ts: ts,
        // Most rows are created shortly after their event, some much later (backfills).
        created_ts: next() < 0.1 ? null : ts + (next() < 0.2 ? pickInt(200) : pickInt(3)),
        amount: pickInt(1000) / 10,
      };
    });
    for (let f = 0; f < 3; f++) {
      await writeParquet(
        store,
        `orders/f${f}.parquet`,
        table(source.slice(f * 500, (f + 1) * 500), sourceTypes),
        {
          rowGroupSize: 64,
        },
      );
    }
    const entities: PlainRow[] = Array.from({ length: 300 }, (_, i) => ({
      user: next() < 0.03 ? null : BigInt(pickInt(22)),
      shop: ["s1", "s2", "s3", "s4"][pickInt(4)]!,
      at: pickInt(450),
      row: i,
    }));
    const entityTable = table(
      entities,
      { user: "int64", shop: "string", at: "timestamp", row: "int32" },
      128,
    );
    for (const includeCreatedAfter of [false, true]) {
      const result = await pointInTimeJoin({
        entities: entityTable,
        timestampColumn: "at",
        views: [
          {
            name: "orders",
            joinKeys: ["user", "shop"],
            batches: () =>
              scanSource({
                store,
                path: "orders/",
                timestampField: "event_ts",
                createdTimestampField: "created_ts",
                columns: featureColumns(sourceTypes, ["user", "shop", "amount"]),
              }),
            lookbackMs: 50,
            hasCreatedTimestamp: true,
            includeCreatedAfter,
            features: [{ column: "amount", outputName: "amount", type: "float64" }],
          },
        ],
      });
      const oracle = entities.map((entity) => {
        const i = oracleMatch(entity, "at", {
          joinKeys: ["user", "shop"],
          rows: source,
          hasCreatedTimestamp: true,
          includeCreatedAfter,
          lookbackMs: 50,
        });
        return i >= 0 ? source[i]!.amount : null;
      });
      const amounts = rowsOf(result).map((row) => row.amount);
      expect(amounts).toEqual(oracle);
      // The dataset must exercise both outcomes for the comparison to mean something.
      expect(amounts.filter((a) => a === null).length).toBeGreaterThan(10);
      expect(amounts.filter((a) => a !== null).length).toBeGreaterThan(50);
    }
    const latest = await latestValues({
      joinKeys: ["user", "shop"],
      batches: () =>
        scanSource({
          store,
          path: "orders",
          timestampField: "event_ts",
          createdTimestampField: "created_ts",
          columns: featureColumns(sourceTypes, ["user", "shop", "amount"]),
          start: 100,
          end: 300,
        }),
      hasCreatedTimestamp: true,
      start: 100,
      end: 300,
      features: [{ column: "amount", outputName: "amount", type: "float64" }],
    });
    const expectedLatestRows = [
      ...oracleLatest(
        { joinKeys: ["user", "shop"], rows: source, hasCreatedTimestamp: true },
        100,
        300,
      ).values(),
    ]
      .map((i) => ({ user: source[i]!.user, shop: source[i]!.shop, amount: source[i]!.amount }))
      .sort((a, b) => `${a.user}/${a.shop}`.localeCompare(`${b.user}/${b.shop}`));
    const actualLatest = rowsOf(latest)
      .map(({ user, shop, amount }) => ({ user, shop, amount }))
      .sort((a, b) => `${a.user}/${a.shop}`.localeCompare(`${b.user}/${b.shop}`));
    expect(actualLatest).toEqual(expectedLatestRows);
  });
});
