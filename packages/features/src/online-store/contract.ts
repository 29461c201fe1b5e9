import { randomUUID } from "node:crypto";
import { BallastError, type LogicalType } from "@ballast/core";
import { afterEach, describe, expect, it } from "vitest";
import { serializeEntityKey } from "./entity-key.js";
import type { OnlineRecord, OnlineStore, OnlineValue, OnlineViewRef } from "./types.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = (id: number | bigint) => serializeEntityKey({ driver_id: BigInt(id) }, { driver_id: "int64" });

// One feature of every logical type, with values chosen to hit the edges of each encoding.
const everyType: { name: string; type: LogicalType; values: OnlineValue[] }[] = [
  { name: "b", type: "bool", values: [true, false, null] },
  { name: "i32", type: "int32", values: [-(2 ** 31), 2 ** 31 - 1, 0] },
  { name: "i64", type: "int64", values: [-(2n ** 63n), 2n ** 63n - 1n, 12345678901234567n] },
  { name: "f32", type: "float32", values: [Math.fround(0.1), Number.NaN, -0] },
  {
    name: "f64",
    type: "float64",
    values: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324],
  },
  { name: "s", type: "string", values: ["", "héllo, 世界 {x}:;=%", null] },
  { name: "by", type: "bytes", values: [new Uint8Array([0, 1, 255]), new Uint8Array(), null] },
  { name: "ts", type: "timestamp", values: [1_700_000_000_123, 0, -86_400_000] },
  {
    name: "ls",
    type: { list: "string", elementNullable: true },
    values: [["a", null, ""], [], null],
  },
  { name: "li", type: { list: "int64", elementNullable: false }, values: [[1n, -2n], [], [2n ** 62n]] },
  {
    name: "lf",
    type: { list: "float64", elementNullable: true },
    values: [[Number.NaN, -0, null], [1.5], []],
  },
];

/**
 * The behaviour every `OnlineStore` must have, as a vitest suite. `makeStore` returns a fresh, open
 * store (the suite closes it); view names are unique per test, so one backend can host parallel runs.
 *
 * @example
 * onlineStoreContract("embedded, memory", () => createEmbeddedOnlineStore({ path: ":memory:" }));
 */
export function onlineStoreContract(name: string, makeStore: () => Promise<OnlineStore>): void {
  describe(`OnlineStore contract: ${name}`, () => {
    const open: OnlineStore[] = [];
    const views: [OnlineStore, string][] = [];
    const store = async () => {
      const created = await makeStore();
      open.push(created);
      return created;
    };
    const unique = (s: OnlineStore, label: string) => {
      const view = `contract_${label}_${randomUUID().slice(0, 8)}__v1`;
      views.push([s, view]);
      return view;
    };
    afterEach(async () => {
      for (const [s, view] of views.splice(0)) await s.deleteView(view).catch(() => undefined);
      for (const s of open.splice(0)) await s.close();
    });

    it("identifies itself as a v1 online store", async () => {
      const s = await store();
      expect(s.specificationVersion).toBe("v1");
      expect(typeof s.kind).toBe("string");
    });

    it("round-trips a value of every logical type, nulls, and both time fields", async () => {
      const s = await store();
      const ref: OnlineViewRef = { view: unique(s, "types"), features: everyType };
      const records: OnlineRecord[] = [0, 1, 2].map((row) => ({
        entityKey: key(row),
        eventTime: 1_000 + row,
        ...(row === 1 ? {} : { createdTime: 5_000 + row }),
        values: everyType.map((feature) => feature.values[row]!),
      }));
      expect(await s.write({ ...ref, records })).toEqual({ written: 3, skippedOlder: 0 });
      const [result] = await s.read([{ ...ref, entityKeys: [key(0), key(1), key(2)] }]);
      expect(result).toEqual([
        { eventTime: 1_000, createdTime: 5_000, values: everyType.map((f) => f.values[0]) },
        { eventTime: 1_001, values: everyType.map((f) => f.values[1]) },
        { eventTime: 1_002, createdTime: 5_002, values: everyType.map((f) => f.values[2]) },
      ]);
      // Spot checks toEqual cannot make: the exact sign of zero and exact bigint identity.
      expect(Object.is(result![0]!.values[3], Math.fround(0.1))).toBe(true);
      expect(Object.is(result![2]!.values[3], -0)).toBe(true);
      expect(result![0]!.values[2]).toBe(-(2n ** 63n));
    });

    it("reads a subset of the features in another order, null for a feature never written", async () => {
      const s = await store();
      const view = unique(s, "subset");
      await s.write({
        view,
        features: [
          { name: "a", type: "int32" },
          { name: "b", type: "string" },
          { name: "c", type: "float64" },
        ],
        records: [{ entityKey: key(1), eventTime: 10, values: [1, "x", 2.5] }],
      });
      const [result] = await s.read([
        {
          view,
          features: [
            { name: "c", type: "float64" },
            { name: "zzz", type: "bool" },
            { name: "a", type: "int32" },
          ],
          entityKeys: [key(1)],
        },
      ]);
      expect(result).toEqual([{ eventTime: 10, values: [2.5, null, 1] }]);
    });

    it("returns null for an unknown entity and for a view never written", async () => {
      const s = await store();
      const view = unique(s, "missing");
      const features = [{ name: "x", type: "int64" as const }];
      await s.write({ view, features, records: [{ entityKey: key(1), eventTime: 1, values: [1n] }] });
      const result = await s.read([
        { view, features, entityKeys: [key(2), key(1), key(3)] },
        { view: unique(s, "never"), features, entityKeys: [key(1)] },
        { view, features, entityKeys: [] },
      ]);
      expect(result).toEqual([[null, { eventTime: 1, values: [1n] }, null], [null], []]);
    });

    it("keeps the newest event: a newer one overwrites, an older one is skipped", async () => {
      const s = await store();
      const ref = { view: unique(s, "newer"), features: [{ name: "v", type: "string" as const }] };
      const write = (eventTime: number, value: string, createdTime?: number) =>
        s.write({
          ...ref,
          records: [
            {
              entityKey: key(7),
              eventTime,
              ...(createdTime === undefined ? {} : { createdTime }),
              values: [value],
            },
          ],
        });
      const current = async () => (await s.read([{ ...ref, entityKeys: [key(7)] }]))[0]![0];
      expect(await write(100, "first")).toEqual({ written: 1, skippedOlder: 0 });
      expect(await write(200, "second")).toEqual({ written: 1, skippedOlder: 0 });
      expect(await write(150, "older")).toEqual({ written: 0, skippedOlder: 1 });
      expect(await current()).toEqual({ eventTime: 200, values: ["second"] });
      // Equal event time: the created time breaks the tie; a missing created time is the oldest.
      expect(await write(200, "created-5", 5)).toEqual({ written: 1, skippedOlder: 0 });
      expect(await write(200, "created-3", 3)).toEqual({ written: 0, skippedOlder: 1 });
      expect(await write(200, "no-created")).toEqual({ written: 0, skippedOlder: 1 });
      expect(await current()).toEqual({ eventTime: 200, createdTime: 5, values: ["created-5"] });
      expect(await write(200, "created-7", 7)).toEqual({ written: 1, skippedOlder: 0 });
      // Equal in both: applies (rerunning a materialization is idempotent and may correct values).
      expect(await write(200, "again-7", 7)).toEqual({ written: 1, skippedOlder: 0 });
      expect(await current()).toEqual({ eventTime: 200, createdTime: 7, values: ["again-7"] });
    });

    it("decides per entity within one batch", async () => {
      const s = await store();
      const ref = { view: unique(s, "batch"), features: [{ name: "v", type: "int32" as const }] };
      await s.write({
        ...ref,
        records: [1, 2, 3].map((id) => ({ entityKey: key(id), eventTime: 100, values: [id] })),
      });
      const result = await s.write({
        ...ref,
        records: [
          { entityKey: key(1), eventTime: 50, values: [-1] },
          { entityKey: key(2), eventTime: 150, values: [-2] },
          { entityKey: key(4), eventTime: 1, values: [-4] },
          { entityKey: key(3), eventTime: 99, values: [-3] },
        ],
      });
      expect(result).toEqual({ written: 2, skippedOlder: 2 });
      const [read] = await s.read([{ ...ref, entityKeys: [1, 2, 3, 4].map(key) }]);
      expect(read!.map((entry) => entry?.values[0])).toEqual([1, -2, 3, -4]);
    });

    it("forgets an entry after expireAfterMs and lets an older event replace an expired one", async () => {
      const s = await store();
      const ref = { view: unique(s, "expiry"), features: [{ name: "v", type: "int32" as const }] };
      await s.write({
        ...ref,
        expireAfterMs: 30,
        records: [{ entityKey: key(1), eventTime: 500, values: [1] }],
      });
      await s.write({
        ...ref,
        expireAfterMs: 3_600_000,
        records: [{ entityKey: key(2), eventTime: 500, values: [2] }],
      });
      await s.write({ ...ref, records: [{ entityKey: key(3), eventTime: 500, values: [3] }] });
      await sleep(150);
      const [read] = await s.read([{ ...ref, entityKeys: [key(1), key(2), key(3)] }]);
      expect(read).toEqual([null, { eventTime: 500, values: [2] }, { eventTime: 500, values: [3] }]);
      expect(
        await s.write({ ...ref, records: [{ entityKey: key(1), eventTime: 10, values: [10] }] }),
      ).toEqual({
        written: 1,
        skippedOlder: 0,
      });
      // The rewrite had no expiry, so it stays.
      await sleep(60);
      const [again] = await s.read([{ ...ref, entityKeys: [key(1)] }]);
      expect(again).toEqual([{ eventTime: 10, values: [10] }]);
    });

    it("reads many views and entities in one call, each result in request order", async () => {
      const s = await store();
      const trips = { view: unique(s, "trips"), features: [{ name: "n", type: "int64" as const }] };
      const rating = {
        view: unique(s, "rating"),
        features: [
          { name: "avg", type: "float64" as const },
          { name: "label", type: "string" as const },
        ],
      };
      const ids = Array.from({ length: 250 }, (_, i) => i);
      await s.write({
        ...trips,
        records: ids.map((id) => ({ entityKey: key(id), eventTime: id, values: [BigInt(id * 10)] })),
      });
      await s.write({
        ...rating,
        records: ids
          .filter((id) => id % 2 === 0)
          .map((id) => ({ entityKey: key(id), eventTime: 1_000 + id, values: [id / 4, `r${id}`] })),
      });
      const order = [249, 0, 1000, 17, 18, 2];
      const [tripRead, ratingRead, tripAgain] = await s.read([
        { ...trips, entityKeys: order.map(key) },
        { ...rating, entityKeys: order.map(key) },
        { ...trips, entityKeys: ids.map(key) },
      ]);
      expect(tripRead).toEqual(
        order.map((id) => (id < 250 ? { eventTime: id, values: [BigInt(id * 10)] } : null)),
      );
      expect(ratingRead).toEqual(
        order.map((id) =>
          id < 250 && id % 2 === 0 ? { eventTime: 1_000 + id, values: [id / 4, `r${id}`] } : null,
        ),
      );
      expect(tripAgain!.map((entry) => entry?.values[0])).toEqual(ids.map((id) => BigInt(id * 10)));
    });

    it("writes a large batch in one call", async () => {
      const s = await store();
      const features = Array.from({ length: 10 }, (_, f) => ({ name: `f${f}`, type: "float64" as const }));
      const ref = { view: unique(s, "large"), features };
      const records = Array.from({ length: 3_000 }, (_, id) => ({
        entityKey: key(id),
        eventTime: 1,
        values: features.map((_, f) => id + f / 10),
      }));
      expect(await s.write({ ...ref, expireAfterMs: 3_600_000, records })).toEqual({
        written: 3_000,
        skippedOlder: 0,
      });
      const [read] = await s.read([{ ...ref, entityKeys: records.map((r) => r.entityKey) }]);
      expect(read!.map((entry) => entry?.values)).toEqual(records.map((r) => r.values));
    });

    it("deleteView removes that view only", async () => {
      const s = await store();
      const features = [{ name: "v", type: "int32" as const }];
      const doomed = unique(s, "doomed");
      const kept = `${doomed}x`;
      views.push([s, kept]);
      for (const view of [doomed, kept]) {
        await s.write({
          view,
          features,
          records: [1, 2].map((id) => ({ entityKey: key(id), eventTime: 1, values: [id] })),
        });
      }
      await s.deleteView(doomed);
      await s.deleteView(unique(s, "never-written"));
      const [gone, still] = await s.read([
        { view: doomed, features, entityKeys: [key(1), key(2)] },
        { view: kept, features, entityKeys: [key(1), key(2)] },
      ]);
      expect(gone).toEqual([null, null]);
      expect(still).toEqual([
        { eventTime: 1, values: [1] },
        { eventTime: 1, values: [2] },
      ]);
      // The view can be written again after deletion, by an event older than the deleted ones.
      await s.write({ view: doomed, features, records: [{ entityKey: key(1), eventTime: 0, values: [9] }] });
      expect((await s.read([{ view: doomed, features, entityKeys: [key(1)] }]))[0]).toEqual([
        { eventTime: 0, values: [9] },
      ]);
    });

    it("ends with the newest value when concurrent writers race with old and new events", async () => {
      const s = await store();
      const ref = { view: unique(s, "race"), features: [{ name: "t", type: "int64" as const }] };
      const entities = [1, 2, 3, 4, 5];
      // 40 writers, event times shuffled by a fixed permutation (7 is coprime with 40).
      const times = Array.from({ length: 40 }, (_, i) => ((i * 7) % 40) + 1);
      const results = await Promise.all(
        times.map((t) =>
          s.write({
            ...ref,
            records: entities.map((id) => ({
              entityKey: key(id),
              eventTime: t,
              createdTime: t,
              values: [BigInt(t * 100 + id)],
            })),
          }),
        ),
      );
      const written = results.reduce((sum, r) => sum + r.written, 0);
      const skipped = results.reduce((sum, r) => sum + r.skippedOlder, 0);
      expect(written + skipped).toBe(40 * entities.length);
      const [read] = await s.read([{ ...ref, entityKeys: entities.map(key) }]);
      expect(read).toEqual(
        entities.map((id) => ({ eventTime: 40, createdTime: 40, values: [BigInt(4_000 + id)] })),
      );
    });

    it("rejects a bad batch whole, naming the record and feature", async () => {
      const s = await store();
      const ref = {
        view: unique(s, "invalid"),
        features: [
          { name: "n", type: "int64" as const },
          { name: "s", type: "string" as const },
        ],
      };
      const bad = s.write({
        ...ref,
        records: [
          { entityKey: key(1), eventTime: 1, values: [1n, "ok"] },
          { entityKey: key(2), eventTime: 1, values: [2n, 42] },
        ],
      });
      await expect(bad).rejects.toMatchObject({
        code: "ONLINE_STORE_VALUE_INVALID",
        details: { index: 1, feature: "s" },
      });
      await expect(
        s.write({ ...ref, records: [{ entityKey: key(1), eventTime: 1, values: [1n] }] }),
      ).rejects.toMatchObject({ code: "ONLINE_STORE_REQUEST_INVALID" });
      await expect(
        s.write({
          ...ref,
          expireAfterMs: -5,
          records: [{ entityKey: key(1), eventTime: 1, values: [1n, "x"] }],
        }),
      ).rejects.toMatchObject({ code: "ONLINE_STORE_REQUEST_INVALID" });
      await expect(
        s.write({ view: ref.view, features: [{ name: "@e", type: "int64" }], records: [] }),
      ).rejects.toMatchObject({ code: "ONLINE_STORE_REQUEST_INVALID" });
      expect((await s.read([{ ...ref, entityKeys: [key(1), key(2)] }]))[0]).toEqual([null, null]);
    });

    it("fails with RESOURCE_CLOSED after close, and close is idempotent", async () => {
      const s = await store();
      const ref = { view: unique(s, "closed"), features: [{ name: "v", type: "int32" as const }] };
      await s.close();
      await s.close();
      const closed = (error: unknown) => BallastError.isInstance(error, "RESOURCE_CLOSED");
      expect(closed(await s.read([{ ...ref, entityKeys: [key(1)] }]).catch((e: unknown) => e))).toBe(true);
      expect(closed(await s.write({ ...ref, records: [] }).catch((e: unknown) => e))).toBe(true);
      expect(closed(await s.deleteView(ref.view).catch((e: unknown) => e))).toBe(true);
      views.pop();
    });
  });
}
