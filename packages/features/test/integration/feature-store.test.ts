import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BallastError,
  createLogEventStream,
  type EventStream,
  manualClock,
  newId,
  readParquet,
} from "@ballast/core";
import { Int64, Table, TimestampMillisecond, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceUrl } from "../../../../test-support/services.js";
import { defineEntity } from "../../src/definitions/entity.js";
import { defineFeatureView } from "../../src/definitions/feature-view.js";
import { serializeEntityKey } from "../../src/online-store/entity-key.js";
import { valueAt } from "../../src/store/arrow-values.js";
import { closeSharedDatabases, featureBackends, type OpenedStore } from "./feature-backends.js";
import {
  definitions,
  driver,
  driverStats,
  H,
  liveSource,
  statsSource,
  T0,
  writeSources,
} from "./store-fixture.js";

function column(table: Table, name: string): unknown[] {
  const vector = table.getChild(name)!;
  return Array.from({ length: table.numRows }, (_, i) => valueAt(vector, i));
}

async function errorOf(promise: Promise<unknown>): Promise<BallastError> {
  try {
    await promise;
  } catch (error) {
    if (BallastError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

afterAll(async () => {
  await closeSharedDatabases();
});

const kafkaBrokers = serviceUrl("BALLAST_TEST_KAFKA_BROKERS", "Kafka");

describe.each(featureBackends())("feature store on $name", (backend) => {
  let opened: OpenedStore;
  const clock = manualClock(T0 + 12 * H);

  beforeAll(async () => {
    opened = await backend.open({ clock });
    await writeSources(opened.blobs);
    await opened.store.apply(definitions);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it("builds point-in-time-correct training data with the transform applied", async () => {
    // Expected values by hand from store-fixture.ts (stats: d1 0.1@1h, 0.3@3h, 0.5@5h created 9h;
    // d2 0.2@2h; d3 0.4@4h. profile: d1 4.5 Lyon @0h, d2 3 Oslo @7h, lookback 1d):
    //   d1@4h  → 0.3 (the 5h row is later than T), Lyon; score 0.3·4.5·2
    //   d1@6h  → 0.3 (the 5h row was created at 9h > T); score 0.3·4.5·1 (boost null → 1)
    //   d2@1h  → nothing yet: nulls
    //   d3@10h → 0.4, no profile: score null
    //   d1@12h → 0.5 (created 9h <= 12h); score 0.5·4.5
    //   d1@4h again → the same as the first row (duplicates stay)
    //   d1@30h → 0.5; the profile (0h) is older than 30h - 1d = 6h: null
    const entities = [
      { driver_id: 1n, event_timestamp: T0 + 4 * H, boost: 2 },
      { driver_id: 1n, event_timestamp: new Date(T0 + 6 * H) },
      { driver_id: 2n, event_timestamp: T0 + 1 * H },
      { driver_id: 3n, event_timestamp: T0 + 10 * H },
      { driver_id: 1n, event_timestamp: T0 + 12 * H },
      { driver_id: 1n, event_timestamp: T0 + 4 * H, boost: 2 },
      { driver_id: 1n, event_timestamp: T0 + 30 * H },
    ];
    const table = await opened.store.getHistoricalFeatures({
      entities,
      features: ["driver_stats:conv_rate", "driver_stats:trips", "driver_profile:city", "score:score"],
    });
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      "driver_id",
      "event_timestamp",
      "boost",
      "conv_rate",
      "trips",
      "city",
      "score",
    ]);
    expect(column(table, "driver_id")).toEqual([1n, 1n, 2n, 3n, 1n, 1n, 1n]);
    expect(column(table, "conv_rate")).toEqual([0.3, 0.3, null, 0.4, 0.5, 0.3, 0.5]);
    expect(column(table, "trips")).toEqual([3, 3, null, 4, 5, 3, 5]);
    expect(column(table, "city")).toEqual(["Lyon", "Lyon", null, null, "Lyon", "Lyon", null]);
    expect(column(table, "score")).toEqual([
      0.3 * 4.5 * 2,
      0.3 * 4.5,
      null,
      null,
      0.5 * 4.5,
      0.3 * 4.5 * 2,
      null,
    ]);

    const late = await opened.store.getHistoricalFeatures({
      entities: entities.slice(1, 2),
      features: ["driver_stats:conv_rate"],
      includeCreatedAfter: true,
    });
    expect(column(late, "conv_rate")).toEqual([0.5]);
  });

  it("saves training data as Parquet with its digest and the view versions read", async () => {
    const { table, dataset } = await opened.store.getHistoricalFeatures({
      entities: [{ driver_id: 1n, event_timestamp: T0 + 4 * H }],
      features: ["driver_stats:conv_rate", "driver_profile:rating"],
      save: { path: "training/eta.parquet" },
    });
    const bytes = await opened.blobs.getBytes("training/eta.parquet");
    expect(dataset.digest).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(dataset).toMatchObject({
      key: "training/eta.parquet",
      rowCount: 1,
      features: ["driver_stats:conv_rate", "driver_profile:rating"],
      featureViews: [
        { name: "driver_stats", version: 1 },
        { name: "driver_profile", version: 1 },
      ],
    });
    const back = await readParquet(opened.blobs, "training/eta.parquet");
    expect(column(back, "conv_rate")).toEqual(column(table, "conv_rate"));
  });

  it("reads the latest values without an entity table, for all time or a range", async () => {
    const all = await opened.store.getLatestFeatures({ features: ["driver_stats:conv_rate"] });
    expect(column(all, "driver_id").map(String).sort()).toEqual(["1", "2", "3"]);
    const byDriver = Object.fromEntries(
      column(all, "driver_id").map((id, i) => [String(id), column(all, "conv_rate")[i]]),
    );
    expect(byDriver).toEqual({ 1: 0.5, 2: 0.2, 3: 0.4 });
    // [0h, 4h): d1's latest is the 3h row, d3's 4h row is outside (end is exclusive).
    const early = await opened.store.getLatestFeatures({
      features: ["driver_stats:conv_rate"],
      end: T0 + 4 * H,
    });
    expect(
      Object.fromEntries(
        column(early, "driver_id").map((id, i) => [String(id), column(early, "conv_rate")[i]]),
      ),
    ).toEqual({ 1: 0.3, 2: 0.2 });
  });

  it("materializes, serves online with statuses, and checks zero skew", async () => {
    const events: number[] = [];
    const report = await opened.store.materialize({
      start: T0,
      end: T0 + 12 * H,
      chunkSize: "3h",
      onProgress: (e) => events.push(e.chunk),
    });
    // Every online view with offline rows: the push-fed view reads its batch source.
    expect(report.views.map((v) => v.view).sort()).toEqual(["driver_live", "driver_profile", "driver_stats"]);
    expect(report.views.find((v) => v.view === "driver_stats")).toMatchObject({
      chunks: 4,
      watermark: T0 + 12 * H,
    });
    expect(await opened.store.watermark("driver_stats")).toBe(T0 + 12 * H);

    const online = await opened.store.getOnlineFeatures({
      entities: [{ driver_id: 1n }, { driver_id: 2n }, { driver_id: 9n }],
      features: ["driver_stats:conv_rate", "driver_profile:rating", "score:score"],
      request: [{ boost: 2 }, {}, {}],
    });
    // Clock at 12h; profile maxAge 8h: d1's profile (0h) is stale, d2's (7h) is fresh.
    expect(online.rows[0]).toEqual({
      conv_rate: { value: 0.5, eventTime: T0 + 5 * H, status: "present" },
      rating: { value: 4.5, eventTime: T0, status: "stale" },
      score: { value: 0.5 * 4.5 * 2, eventTime: T0 + 5 * H, status: "stale" },
    });
    expect(online.values()[1]).toEqual({ conv_rate: 0.2, rating: 3, score: 0.2 * 3 });
    expect(online.rows[2]!.conv_rate).toEqual({ value: null, eventTime: null, status: "not_found" });
    expect(online.toHTML()).toContain("<table>");

    const skew = await opened.store.checkConsistency({
      sample: 10,
      at: T0 + 12 * H,
      features: [
        "driver_stats:conv_rate",
        "driver_stats:trips",
        "driver_profile:rating",
        "driver_profile:city",
        "score:score",
      ],
    });
    expect(skew.entities).toBe(3);
    expect(skew.mismatches).toBe(0);
    expect(skew.features.every((f) => f.compared === 3)).toBe(true);
  });

  it("finds one corrupted online value", async () => {
    const online = opened.online;
    // Same event time, later created time: the store accepts it as newer.
    await online.write({
      view: "driver_stats__v1",
      features: driverStats.features,
      records: [
        {
          entityKey: serializeEntityKey({ driver_id: 2n }, { driver_id: "int64" }),
          eventTime: T0 + 2 * H,
          createdTime: T0 + 100 * H,
          values: [0.99, 2],
        },
      ],
    });
    const skew = await opened.store.checkConsistency({
      sample: [{ driver_id: 1n }, { driver_id: 2n }, { driver_id: 3n }],
      at: T0 + 12 * H,
      features: ["driver_stats:conv_rate", "driver_stats:trips", "score:score"],
    });
    const conv = skew.features.find((f) => f.feature === "conv_rate")!;
    expect(conv.mismatches).toBe(1);
    expect(conv.examples[0]).toMatchObject({
      entity: { driver_id: 2n },
      offline: 0.2,
      online: 0.99,
      onlineStatus: "present",
    });
    expect(skew.features.find((f) => f.feature === "trips")!.mismatches).toBe(0);
    // The transform reads the corrupted input, so it disagrees for the same entity.
    expect(skew.features.find((f) => f.feature === "score")!.mismatches).toBe(1);
    expect(skew.hasSkew).toBe(true);
    expect(skew.toHTML()).toContain("driver_stats:conv_rate");
  });

  it("rejects an entity table whose timestamp has no time zone, and accepts an Arrow table with one", async () => {
    const naive = new Table({
      driver_id: vectorFromArray([1n], new Int64()),
      event_timestamp: vectorFromArray([T0 + 4 * H], new TimestampMillisecond()),
    });
    const error = await errorOf(
      opened.store.getHistoricalFeatures({ entities: naive, features: ["driver_stats:conv_rate"] }),
    );
    expect(error.code).toBe("FEATURE_NAIVE_TIMESTAMP");
    const zoned = new Table({
      driver_id: vectorFromArray([1n], new Int64()),
      label_time: vectorFromArray([T0 + 4 * H], new TimestampMillisecond("UTC")),
    });
    const table = await opened.store.getHistoricalFeatures({
      entities: zoned,
      timestampColumn: "label_time",
      features: ["driver_stats:conv_rate"],
    });
    expect(column(table, "conv_rate")).toEqual([0.3]);
  });

  it("names the closest feature for an unknown name", async () => {
    const error = await errorOf(
      opened.store.getOnlineFeatures({ entities: [{ driver_id: 1n }], features: ["driver_stats:conv_rte"] }),
    );
    expect(error.code).toBe("FEATURE_NOT_FOUND");
    expect((error as unknown as { closestMatch: string }).closestMatch).toBe("driver_stats:conv_rate");
    expect(error.message).toContain('Did you mean "driver_stats:conv_rate"?');
    const offline = await errorOf(
      opened.store.getHistoricalFeatures({
        entities: [{ driver_id: 1n, event_timestamp: T0 }],
        features: ["scor:score"],
      }),
    );
    expect((offline as unknown as { closestMatch: string }).closestMatch).toBe("score:score");
  });

  it("rejects a push batch with a row of the wrong type, writing nothing, then pushes a good one", async () => {
    const bad = await errorOf(
      opened.store.push(
        liveSource,
        [
          { driver_id: 1n, event_timestamp: T0 + H, speed: 50 },
          { driver_id: 2n, event_timestamp: T0 + H, speed: "fast" as unknown as number },
        ],
        { to: "both" },
      ),
    );
    expect(bad.code).toBe("FEATURE_PUSH_ROW_INVALID");
    expect((bad as unknown as { rowIndex: number }).rowIndex).toBe(1);
    expect(bad.message).toContain('"speed": expected a float64');
    expect((await opened.blobs.list({ prefix: "push/" })).items).toEqual([]);
    const before = await opened.store.getOnlineFeatures({
      entities: [{ driver_id: 1n }],
      features: ["driver_live:speed"],
    });
    expect(before.rows[0]!.speed!.status).toBe("not_found");

    const unknownColumn = await errorOf(
      opened.store.push("driver_live", [{ driver_id: 1n, event_timestamp: T0, sped: 1 }]),
    );
    expect(unknownColumn.message).toContain('did you mean "speed"');

    const result = await opened.store.push(
      "driver_live",
      [
        { driver_id: 1n, event_timestamp: T0 + H, speed: 50 },
        { driver_id: 1n, event_timestamp: T0 + 2 * H, speed: 60 },
        { driver_id: 2n, event_timestamp: new Date(T0 + H), speed: 70 },
      ],
      { to: "both" },
    );
    expect(result.offlineKey).toMatch(/^push\/driver_live\/push-.*\.parquet$/);
    const after = await opened.store.getOnlineFeatures({
      entities: [{ driver_id: 1n }, { driver_id: 2n }],
      features: ["driver_live:speed"],
    });
    expect(after.values()).toEqual([{ speed: 60 }, { speed: 70 }]);
    const offline = await opened.store.getHistoricalFeatures({
      entities: [
        { driver_id: 1n, event_timestamp: T0 + 90 * 60_000 },
        { driver_id: 1n, event_timestamp: T0 + 3 * H },
      ],
      features: ["driver_live:speed"],
    });
    expect(column(offline, "speed")).toEqual([50, 60]);
  });

  // The embedded log on every backend; Kafka once, beside the production-like Postgres + Redis case.
  // Each stream writes its own drivers, so the two runs on one store do not see each other's rows.
  const streams: { name: string; driver: number; open: () => Promise<EventStream> }[] = [
    {
      name: "the embedded log",
      driver: 3,
      open: () => createLogEventStream({ path: mkdtempSync(join(tmpdir(), "ballast-ingest-")) }),
    },
  ];
  if (kafkaBrokers && backend.name === "postgres + redis") {
    streams.push({
      name: "Kafka",
      driver: 13,
      open: async () =>
        (await import("@ballast/core/kafka")).createKafkaEventStream({ brokers: kafkaBrokers }),
    });
  }

  it.each(streams)(
    "ingests $name into a push source, resuming from the group's committed offset",
    async ({ open, driver }) => {
      const [d1, d2, d3] = [driver, driver + 1, driver + 2];
      const stream = await open();
      const topic = `driver-live-${newId().slice(-12)}`;
      try {
        await stream.createTopic(topic);
        await stream.append(topic, [
          // int64 as a digit string and an ISO time, as JSON producers send them.
          {
            value: JSON.stringify({
              driver_id: String(d1),
              event_timestamp: new Date(T0 + 3 * H).toISOString(),
              speed: 33,
            }),
          },
          {
            value: JSON.stringify([
              { driver_id: d2, event_timestamp: T0 + 3 * H, speed: 44 },
              { driver_id: d2, event_timestamp: T0 + 4 * H, speed: 45 },
            ]),
          },
          { value: JSON.stringify({ driver_id: d3, event_timestamp: T0, speed: "fast" }) },
        ]);
        const run = async (options: { onInvalid?: "skip" }) => {
          const stop = new AbortController();
          let rows = 0;
          const result = await opened.store.ingestStream(liveSource, {
            topic,
            stream,
            ...options,
            signal: stop.signal,
            onBatch: (event) => {
              rows += event.rows + event.skipped;
              if (event.lag === 0) stop.abort();
            },
          });
          return { result, rows };
        };
        // The bad record stops the ingestion before its batch is committed, naming the record.
        const failed = await errorOf(run({}));
        expect(failed.code).toBe("FEATURE_PUSH_ROW_INVALID");
        expect(failed.message).toContain(`${topic}/0@2`);
        const { result } = await run({ onInvalid: "skip" });
        expect(result).toMatchObject({ records: 3, rows: 3, skipped: 1 });
        const online = await opened.store.getOnlineFeatures({
          entities: [{ driver_id: BigInt(d1) }, { driver_id: BigInt(d2) }, { driver_id: BigInt(d3) }],
          features: ["driver_live:speed"],
        });
        expect(online.values()).toEqual([{ speed: 33 }, { speed: 45 }, { speed: null }]);
        // Committed: a new run of the same group reads only what was appended since.
        await stream.append(topic, [
          { value: JSON.stringify({ driver_id: d1, event_timestamp: T0 + 5 * H, speed: 35 }) },
        ]);
        const again = await run({});
        expect(again.result).toMatchObject({ records: 1, rows: 1, skipped: 0 });
        const after = await opened.store.getOnlineFeatures({
          entities: [{ driver_id: BigInt(d1) }],
          features: ["driver_live:speed"],
        });
        expect(after.values()).toEqual([{ speed: 35 }]);
      } finally {
        await stream.close();
      }
    },
  );

  it("rejects the second of two concurrent applies with FEATURE_REGISTRY_CONFLICT", async () => {
    const other = await opened.openAnother();
    const rider = defineEntity({ name: "rider", joinKeys: { rider_id: "string" } });
    const courier = defineEntity({ name: "courier", joinKeys: { courier_id: "string" } });
    // Both writers plan against the same registry version, then apply at once.
    const [planA, planB] = await Promise.all([
      opened.store.plan([...definitions, rider]),
      other.plan([...definitions, courier]),
    ]);
    expect(planA.registryVersion).toBe(planB.registryVersion);
    const results = await Promise.allSettled([opened.store.apply(planA), other.apply(planB)]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    const error = rejected[0]!.reason as BallastError;
    expect(BallastError.isInstance(error, "FEATURE_REGISTRY_CONFLICT")).toBe(true);
    expect(error.retryable).toBe(true);
    // Exactly one of the two entities landed: nothing of the rejected apply was written.
    const snapshot = await other.refresh();
    const landed = ["rider", "courier"].filter((name) => snapshot.latest("entity", name) !== undefined);
    expect(landed).toHaveLength(1);
    expect(snapshot.version).toBe(planA.registryVersion + 1);
    // Unplanned applies racing: each either succeeds or conflicts, never a half-applied registry.
    const racing = await Promise.allSettled([
      opened.store.apply(definitions),
      other.apply([...definitions, rider]),
    ]);
    for (const result of racing) {
      if (result.status === "rejected")
        expect(BallastError.isInstance(result.reason, "FEATURE_REGISTRY_CONFLICT")).toBe(true);
    }
    await opened.store.apply(definitions);
  });

  it("sees a view another process applied, re-reading the registry on an unknown name", async () => {
    const other = await opened.openAnother();
    await opened.store.registry(); // cache the registry before the other writer applies
    const copy = defineFeatureView({
      name: "driver_trips",
      entities: [driver],
      schema: { trips: "int32" },
      source: statsSource,
    });
    await other.apply([...definitions, copy]);
    const table = await opened.store.getHistoricalFeatures({
      entities: [{ driver_id: 1n, event_timestamp: T0 + 4 * H }],
      features: ["driver_trips:trips"],
    });
    expect(column(table, "trips")).toEqual([3]);

    // A third store never loaded the transform's function: reading it fails until a plan of the
    // definitions is applied there (applying a plan loads its transforms).
    const third = await opened.openAnother();
    const read = () =>
      third.getHistoricalFeatures({
        entities: [{ driver_id: 1n, event_timestamp: T0 + 4 * H }],
        features: ["score:score"],
      });
    expect((await errorOf(read())).code).toBe("FEATURE_TRANSFORM_NOT_LOADED");
    await third.apply(await third.plan([...definitions, copy]));
    expect(column(await read(), "score")).toEqual([0.3 * 4.5]);
  });
});

describe.each(featureBackends())("materialization on $name", (backend) => {
  it("resumes a killed run from its watermark, and never lets an older event overwrite a newer one", async () => {
    const opened = await backend.open({ clock: manualClock(T0 + 12 * H), definitions });
    try {
      await writeSources(opened.blobs);
      await opened.store.apply(definitions);
      const controller = new AbortController();
      const killed = await errorOf(
        opened.store.materialize({
          start: T0,
          end: T0 + 12 * H,
          chunkSize: "3h",
          views: ["driver_stats"],
          signal: controller.signal,
          onProgress: (event) => {
            if (event.chunk === 2) controller.abort(new Error("killed"));
          },
        }),
      );
      expect(killed.code).toBe("ABORTED");
      // Two chunks of 3h were committed.
      expect(await opened.store.watermark("driver_stats")).toBe(T0 + 6 * H);

      const chunks: number[] = [];
      const resumed = await opened.store.materialize({
        start: T0,
        end: T0 + 12 * H,
        chunkSize: "3h",
        views: ["driver_stats"],
        onProgress: (event) => chunks.push(event.chunkStart),
      });
      expect(resumed.views[0]).toMatchObject({ resumedFrom: T0 + 6 * H, chunks: 2, watermark: T0 + 12 * H });
      expect(chunks).toEqual([T0 + 6 * H, T0 + 9 * H]);
      const read = () =>
        opened.store.getOnlineFeatures({
          entities: [{ driver_id: 1n }, { driver_id: 2n }, { driver_id: 3n }],
          features: ["driver_stats:conv_rate", "driver_stats:trips"],
        });
      const expected = [
        { conv_rate: 0.5, trips: 5 },
        { conv_rate: 0.2, trips: 2 },
        { conv_rate: 0.4, trips: 4 },
      ];
      expect((await read()).values()).toEqual(expected);

      // Rerunning the finished interval starts over and lands in the same state.
      const again = await opened.store.materialize({
        start: T0,
        end: T0 + 12 * H,
        chunkSize: "3h",
        views: ["driver_stats"],
      });
      expect(again.views[0]).toMatchObject({ resumedFrom: T0, chunks: 4 });
      expect((await read()).values()).toEqual(expected);

      // An older interval: d1's latest there is the 3h row, older than the stored 5h row.
      const older = await opened.store.materialize({ start: T0, end: T0 + 4 * H, views: ["driver_stats"] });
      expect(older.views[0]!.skippedOlder).toBeGreaterThanOrEqual(1);
      expect((await read()).values()).toEqual(expected);

      const incremental = await opened.store.materializeIncremental({
        end: T0 + 13 * H,
        views: ["driver_stats"],
      });
      expect(incremental.views[0]).toMatchObject({ resumedFrom: T0 + 12 * H, watermark: T0 + 13 * H });
    } finally {
      await opened.close();
    }
  });

  it("refuses an incompatible change and serves both versions after a new one", async () => {
    const opened = await backend.open({ clock: manualClock(T0 + 12 * H), definitions });
    try {
      await writeSources(opened.blobs);
      await opened.store.apply(definitions);
      const retyped = (version?: number) =>
        defineFeatureView({
          name: "driver_stats",
          entities: driverStats.entities,
          schema: { conv_rate: "float64", trips: "int64" },
          source: driverStats.source,
          ...(version ? { version } : {}),
        });
      const others = definitions.filter((d) => d.name !== "driver_stats");
      expect((await errorOf(opened.store.plan([retyped(), ...others]))).code).toBe(
        "FEATURE_VIEW_CHANGE_REFUSED",
      );
      await opened.store.apply([retyped(2), ...others]);
      // The files hold int32 trips, so v2 (int64) fails on read with a schema mismatch, while v1 stays readable.
      const v1 = await opened.store.getHistoricalFeatures({
        entities: [{ driver_id: 1n, event_timestamp: T0 + 4 * H }],
        features: ["driver_stats@1:trips"],
      });
      expect(column(v1, "trips")).toEqual([3]);
      expect(
        (
          await errorOf(
            opened.store.getHistoricalFeatures({
              entities: [{ driver_id: 1n, event_timestamp: T0 + 4 * H }],
              features: ["driver_stats:trips"],
            }),
          )
        ).code,
      ).toBe("FEATURE_SCHEMA_MISMATCH");
    } finally {
      await opened.close();
    }
  });
});
