import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../blob-store/local/local-blob-store.js";
import type { BlobStore } from "../blob-store/types.js";
import { BallastError } from "../errors/index.js";
import { ParquetDecodePool } from "./parquet-decode-pool.js";
import { recordRanges } from "./range-recording-store.js";
import { readParquet } from "./read-parquet.js";
import { scanParquet } from "./scan-parquet.js";
import { writeParquet } from "./write-parquet.js";

let dir: string;
let store: BlobStore;
const pool = new ParquetDecodePool({ size: 2 });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ballast-parquet-pool-"));
  store = await createLocalBlobStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => pool.close());

const ROWS = 2500;
const START = Date.UTC(2024, 0, 1);
/** Row i: id i, name `n<i>` (null every 7th), score i / 4, big i * 10^15, at i seconds after 2024-01-01. */
function numbered(rows = ROWS): Table {
  const ids = Array.from({ length: rows }, (_, i) => i);
  return new Table({
    id: vectorFromArray(ids, new Int32()),
    name: vectorFromArray(
      ids.map((i) => (i % 7 === 0 ? null : `n${i}`)),
      new Utf8(),
    ),
    score: vectorFromArray(
      ids.map((i) => i / 4),
      new Float64(),
    ),
    big: vectorFromArray(
      ids.map((i) => BigInt(i) * 10n ** 15n),
      new Int64(),
    ),
    at: vectorFromArray(
      ids.map((i) => START + i * 1000),
      new TimestampMillisecond("UTC"),
    ),
  });
}

/** Every row as plain values, for comparing two tables cell by cell. */
function cells(table: Table): unknown[][] {
  return table.toArray().map((row) => Object.values(row.toJSON()));
}

async function failure(promise: Promise<unknown>): Promise<BallastError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(BallastError.isInstance(error, "PARQUET_ERROR"), String(error)).toBe(true);
  return error as BallastError;
}

describe("decoding on the worker pool", () => {
  it("gives the same tables as decoding in the calling thread, whole and projected", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 1000 });
    const inThread = await readParquet(store, "t.parquet");
    const onPool = await readParquet(store, "t.parquet", { decodeOn: pool });
    expect(onPool.schema.fields.map(String)).toEqual(inThread.schema.fields.map(String));
    expect(onPool.numRows).toBe(ROWS);
    expect(cells(onPool)).toEqual(cells(inThread));
    // Independently of the in-thread reader: the formulas the rows were written with.
    expect(onPool.getChild("name")!.get(14)).toBeNull();
    expect(onPool.getChild("name")!.get(15)).toBe("n15");
    expect(onPool.getChild("big")!.get(2499)).toBe(2499n * 10n ** 15n);
    expect(onPool.getChild("at")!.get(1234)).toBe(START + 1_234_000);

    const projected = await readParquet(store, "t.parquet", {
      columns: ["at", "id"],
      rowGroups: [2, 0],
      decodeOn: pool,
    });
    expect(projected.schema.fields.map((field) => field.name)).toEqual(["at", "id"]);
    expect(projected.getChild("id")!.toArray()).toEqual(
      Int32Array.from([
        ...Array.from({ length: 500 }, (_, i) => 2000 + i),
        ...Array.from({ length: 1000 }, (_, i) => i),
      ]),
    );
  });

  it("scans with batchRows and prefetch, in order, and stops reading when the consumer stops", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 500 });
    const sizes: number[] = [];
    let idSum = 0;
    for await (const batch of scanParquet(store, "t.parquet", {
      batchRows: 200,
      decodeOn: pool,
      prefetch: 3,
    })) {
      sizes.push(batch.numRows);
      for (const id of batch.getChild("id")!.toArray() as Int32Array) idSum += id;
    }
    expect(sizes).toEqual(Array.from({ length: 5 }, () => [200, 200, 100]).flat());
    expect(idSum).toBe((ROWS * (ROWS - 1)) / 2);

    const { store: recording, ranges } = recordRanges(store);
    for await (const batch of scanParquet(recording, "t.parquet", { decodeOn: pool, prefetch: 2 })) {
      expect(batch.getChild("id")!.get(0)).toBe(0);
      break;
    }
    // The footer, then the first row group and the two read ahead; nothing after the break.
    expect(ranges).toHaveLength(1 + 3);
  });

  it("reports a corrupt row group as the same PARQUET_ERROR as in the calling thread, and keeps working", async () => {
    await writeParquet(store, "good.parquet", numbered(), { rowGroupSize: 1000 });
    const bad = (await store.getBytes("good.parquet")).slice();
    bad.fill(0xff, 4, 200);
    await store.put("pages.parquet", bad);
    const inThread = await failure(readParquet(store, "pages.parquet"));
    const onPool = await failure(readParquet(store, "pages.parquet", { decodeOn: pool }));
    expect(onPool.message).toMatch(/decode row group 0/);
    expect(onPool.message).toBe(inThread.message);
    expect(onPool.hint).toBe(inThread.hint);
    expect((await readParquet(store, "good.parquet", { decodeOn: pool })).numRows).toBe(ROWS);
  });

  it("reports a truncated file the same way", async () => {
    await writeParquet(store, "good.parquet", numbered(), { rowGroupSize: 1000 });
    const bytes = await store.getBytes("good.parquet");
    // Keep the footer but drop bytes from the middle, so a row group points past its data.
    await store.put("holed.parquet", new Uint8Array([...bytes.subarray(0, 2000), ...bytes.subarray(2100)]));
    const inThread = await failure(readParquet(store, "holed.parquet"));
    const onPool = await failure(readParquet(store, "holed.parquet", { decodeOn: pool }));
    expect(onPool.message).toBe(inThread.message);
  });

  it("rejects an empty or already transferred buffer at once, leaving nothing pending", async () => {
    const detached = new Uint8Array(64);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    await expect(pool.decode(detached, 100)).rejects.toMatchObject({ code: "PARQUET_ERROR" });
    await expect(pool.decode(new Uint8Array(0), 100)).rejects.toMatchObject({ code: "PARQUET_ERROR" });
    expect(pool.pending).toBe(0);
  });

  it("stops waiting for a row group when its signal aborts, and keeps working", async () => {
    await writeParquet(store, "good.parquet", numbered(), { rowGroupSize: 1000 });
    const bytes = await store.getBytes("good.parquet");
    // Each call gets its own copy: decode transfers (detaches) the buffer it is given.
    const controller = new AbortController();
    const decoding = pool.decode(new Uint8Array(bytes), 1000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(decoding).rejects.toMatchObject({ code: "ABORTED" });
    expect(pool.pending).toBe(0);
    await expect(pool.decode(new Uint8Array(bytes), 1000, AbortSignal.abort())).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect((await pool.decode(new Uint8Array(bytes), 1000)).byteLength).toBeGreaterThan(0);
  });

  it("fails with PARQUET_ERROR once closed", async () => {
    const closed = new ParquetDecodePool({ size: 1 });
    await writeParquet(store, "t.parquet", numbered(100));
    expect((await readParquet(store, "t.parquet", { decodeOn: closed })).numRows).toBe(100);
    await closed.close();
    const error = await failure(readParquet(store, "t.parquet", { decodeOn: closed }));
    expect(error.message).toMatch(/closed/);
  });

  it("rejects a pool size that is not a positive integer", () => {
    expect(() => new ParquetDecodePool({ size: 0 })).toThrow(/positive integer/);
  });
});
