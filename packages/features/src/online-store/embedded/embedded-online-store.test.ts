import { mkdtempSync, rmSync } from "node:fs";
import { appendFile, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { onlineStoreContract } from "../contract.js";
import { serializeEntityKey } from "../entity-key.js";
import { createEmbeddedOnlineStore } from "./embedded-online-store.js";

const root = mkdtempSync(join(tmpdir(), "ballast-online-embedded-"));
let count = 0;
const fresh = () => join(root, `s${count++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

onlineStoreContract("embedded, memory", () => createEmbeddedOnlineStore({ path: ":memory:" }));
onlineStoreContract("embedded, on disk", () => createEmbeddedOnlineStore({ path: fresh() }));
onlineStoreContract("embedded, on disk, fsync, compacting after every write", () =>
  createEmbeddedOnlineStore({ path: fresh(), syncWrites: true, compactAfterBytes: 1 }),
);

const key = (id: number) => serializeEntityKey({ id }, { id: "int64" });
const features = [
  { name: "n", type: "int64" as const },
  { name: "s", type: "string" as const },
];
const view = "drivers__v1";
const records = (ids: number[], eventTime: number) =>
  ids.map((id) => ({ entityKey: key(id), eventTime, values: [BigInt(id), `v${id}@${eventTime}`] }));
const readAll = async (store: Awaited<ReturnType<typeof createEmbeddedOnlineStore>>, ids: number[]) =>
  (await store.read([{ view, features, entityKeys: ids.map(key) }]))[0]!.map(
    (entry) => entry?.values[1] ?? null,
  );

describe("embedded online store on disk", () => {
  it("keeps writes, deletes and expiry across reopen", async () => {
    const path = fresh();
    let now = 1_000_000;
    const clock = () => now;
    const first = await createEmbeddedOnlineStore({ path, now: clock });
    await first.write({ view, features, records: records([1, 2, 3], 10) });
    await first.write({ view, features, records: records([2], 20) });
    await first.write({ view, features, records: records([3], 5) });
    await first.write({ view, features, expireAfterMs: 1_000, records: records([4], 1) });
    await first.write({ view: "other__v1", features, records: records([1], 1) });
    await first.deleteView("other__v1");
    await first.close();
    now += 500;
    const second = await createEmbeddedOnlineStore({ path, now: clock });
    expect(await readAll(second, [1, 2, 3, 4])).toEqual(["v1@10", "v2@20", "v3@10", "v4@1"]);
    expect((await second.read([{ view: "other__v1", features, entityKeys: [key(1)] }]))[0]).toEqual([null]);
    await second.close();
    now += 1_000;
    const third = await createEmbeddedOnlineStore({ path, now: clock });
    expect(await readAll(third, [4])).toEqual([null]);
    await third.close();
  });

  it("recovers from a torn tail and keeps accepting writes after it", async () => {
    const path = fresh();
    const store = await createEmbeddedOnlineStore({ path });
    await store.write({ view, features, records: records([1], 1) });
    await store.write({ view, features, records: records([2], 1) });
    await store.close();
    const log = join(path, "log-0.wal");
    const whole = await readFile(log);
    // Cut the last frame in half, as a crash mid-append would.
    const firstFrame = 8 + whole.readUInt32BE(0);
    await writeFile(log, whole.subarray(0, firstFrame + 11));
    const reopened = await createEmbeddedOnlineStore({ path });
    expect(await readAll(reopened, [1, 2])).toEqual(["v1@1", null]);
    expect((await stat(log)).size).toBe(firstFrame);
    await reopened.write({ view, features, records: records([3], 1) });
    await reopened.close();
    // Garbage (a frame with a wrong CRC) after valid frames is cut as well.
    await appendFile(log, Buffer.from([0, 0, 0, 2, 1, 2, 3, 4, 0x7b, 0x7d]));
    const again = await createEmbeddedOnlineStore({ path });
    expect(await readAll(again, [1, 2, 3])).toEqual(["v1@1", null, "v3@1"]);
    await again.close();
  });

  it("compacts into a snapshot, dropping expired entries, and reads the same after reopen", async () => {
    const path = fresh();
    let now = 0;
    const store = await createEmbeddedOnlineStore({ path, now: () => now });
    await store.write({ view, features, records: records([1, 2], 1) });
    await store.write({ view, features, expireAfterMs: 10, records: records([3], 1) });
    await store.write({ view, features, records: records([2], 2) });
    now = 20;
    await store.compact();
    expect((await readdir(path)).sort()).toEqual(["LOCK", "log-1.wal", "snapshot"]);
    expect((await stat(join(path, "log-1.wal"))).size).toBe(0);
    await store.write({ view, features, records: records([4], 1) });
    await store.close();
    const reopened = await createEmbeddedOnlineStore({ path, now: () => now });
    expect(await readAll(reopened, [1, 2, 3, 4])).toEqual(["v1@1", "v2@2", null, "v4@1"]);
    await reopened.close();
  });

  it("ignores the leftovers of a compaction interrupted after the rename", async () => {
    const path = fresh();
    const store = await createEmbeddedOnlineStore({ path });
    await store.write({ view, features, records: records([1], 1) });
    await store.compact();
    await store.close();
    // A stale older log and a temp snapshot, as a crash between steps would leave them.
    await writeFile(join(path, "log-0.wal"), "garbage");
    await writeFile(join(path, "snapshot.tmp"), "garbage");
    const reopened = await createEmbeddedOnlineStore({ path });
    expect(await readAll(reopened, [1])).toEqual(["v1@1"]);
    expect((await readdir(path)).sort()).toEqual(["LOCK", "log-1.wal", "snapshot"]);
    await reopened.close();
  });

  it("refuses a corrupt snapshot with ONLINE_STORE_CORRUPT", async () => {
    const path = fresh();
    const store = await createEmbeddedOnlineStore({ path });
    await store.write({ view, features, records: records([1], 1) });
    await store.compact();
    await store.close();
    const snapshot = await readFile(join(path, "snapshot"));
    snapshot[snapshot.length - 2] = snapshot[snapshot.length - 2]! ^ 0xff;
    await writeFile(join(path, "snapshot"), snapshot);
    await expect(createEmbeddedOnlineStore({ path })).rejects.toMatchObject({ code: "ONLINE_STORE_CORRUPT" });
    // The failed open released its lock.
    await writeFile(join(path, "snapshot"), Buffer.alloc(0));
    await expect(createEmbeddedOnlineStore({ path })).rejects.toMatchObject({ code: "ONLINE_STORE_CORRUPT" });
  });

  it("lets one writer hold a directory and frees it on close", async () => {
    const path = fresh();
    const first = await createEmbeddedOnlineStore({ path });
    await expect(createEmbeddedOnlineStore({ path })).rejects.toMatchObject({
      code: "ONLINE_STORE_LOCKED",
      retryable: true,
    });
    await first.close();
    const second = await createEmbeddedOnlineStore({ path });
    await second.close();
  });

  it("takes over the lock of a process that is gone", async () => {
    const path = fresh();
    const first = await createEmbeddedOnlineStore({ path });
    await first.close();
    // pid 2^22+1 is above Linux's pid_max default, so no live process has it.
    const { hostname } = await import("node:os");
    await writeFile(
      join(path, "LOCK"),
      JSON.stringify({ pid: 4_194_305, hostname: hostname(), createdAt: "x" }),
    );
    const second = await createEmbeddedOnlineStore({ path });
    await second.close();
  });

  it("refuses a write that changes a stored feature's type", async () => {
    await using store = await createEmbeddedOnlineStore({ path: ":memory:" });
    await store.write({ view, features, records: records([1], 1) });
    await expect(
      store.write({
        view,
        features: [{ name: "n", type: "string" }],
        records: [{ entityKey: key(1), eventTime: 2, values: ["x"] }],
      }),
    ).rejects.toMatchObject({ code: "ONLINE_STORE_REQUEST_INVALID" });
    expect(await readAll(store, [1])).toEqual(["v1@1"]);
  });

  it("hands out copies of bytes values", async () => {
    await using store = await createEmbeddedOnlineStore({ path: ":memory:" });
    const bytes = [{ name: "b", type: "bytes" as const }];
    const original = new Uint8Array([1, 2, 3]);
    await store.write({
      view,
      features: bytes,
      records: [{ entityKey: key(1), eventTime: 1, values: [original] }],
    });
    original[0] = 9;
    const first = (await store.read([{ view, features: bytes, entityKeys: [key(1)] }]))[0]![0]!
      .values[0] as Uint8Array;
    first[1] = 9;
    const second = (await store.read([{ view, features: bytes, entityKeys: [key(1)] }]))[0]![0]!.values[0];
    expect(second).toEqual(new Uint8Array([1, 2, 3]));
  });
});
