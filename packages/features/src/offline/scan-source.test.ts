import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BallastError, type BlobStore, createLocalBlobStore, writeParquet } from "@ballast/core";
import { type RecordBatch, Table, TimestampMillisecond, tableToIPC, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, table } from "../../test/fixtures/arrow-tables.js";
import { listSourceFiles, scanSource } from "./scan-source.js";

let store: BlobStore;
const T0 = Date.UTC(2024, 0, 1);

const fileTypes = {
  id: "int64",
  ts: "timestamp",
  written: "timestamp",
  value_raw: "float64",
  note: "string",
} as const;

function rows(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: BigInt((from + i) % 3),
    ts: T0 + (from + i) * 1000,
    written: T0 + (from + i) * 1000 + 5,
    value_raw: (from + i) / 2,
    note: i % 2 ? null : `n${from + i}`,
  }));
}

async function collect(
  iterable: AsyncIterable<RecordBatch>,
): Promise<{ batches: number; rows: Record<string, unknown>[] }> {
  const batches: RecordBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return { batches: batches.length, rows: batches.length ? rowsOf(new Table(batches)) : [] };
}

async function caught(iterable: AsyncIterable<RecordBatch>): Promise<BallastError> {
  try {
    await collect(iterable);
  } catch (error) {
    if (BallastError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected the scan to fail");
}

beforeAll(async () => {
  store = await createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-scan-source-")));
  // Two files in a folder (one nested), 4-row row groups, and a non-Parquet object that is skipped.
  await writeParquet(store, "src/part-0.parquet", table(rows(0, 10), fileTypes), { rowGroupSize: 4 });
  await writeParquet(store, "src/more/part-1.parquet", table(rows(10, 5), fileTypes), { rowGroupSize: 4 });
  await store.put("src/_SUCCESS", new Uint8Array([1]));
  await writeParquet(
    store,
    "other/wrong-type.parquet",
    table(rows(0, 3), { ...fileTypes, value_raw: "int32" }),
    {},
  );
  // A naive timestamp cannot be written by writeParquet (it has no logical type), so the codec writes it directly.
  const wasm = await import("parquet-wasm");
  const naive = new Table({
    id: vectorFromArray([1n, 2n]),
    ts: vectorFromArray([T0, T0 + 1], new TimestampMillisecond()),
    value_raw: vectorFromArray([1.5, 2.5]),
  });
  const bytes = wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(naive, "stream")));
  await store.put("other/naive.parquet", bytes);
});

afterAll(async () => {
  await store?.close();
});

const columns = [
  { name: "value", type: "float64" },
  { name: "id", type: "int64" },
] as const;

describe("scanSource", () => {
  it("streams every Parquet file of a folder by row group, renamed, with __event_ts and __created_ts", async () => {
    const { batches, rows: out } = await collect(
      scanSource({
        store,
        path: "src",
        timestampField: "ts",
        createdTimestampField: "written",
        fieldMapping: { value_raw: "value" },
        columns,
      }),
    );
    // Keys in order: src/more/part-1.parquet (2 row groups), then src/part-0.parquet (3 row groups).
    expect(batches).toBe(5);
    expect(out).toHaveLength(15);
    expect(Object.keys(out[0]!)).toEqual(["value", "id", "__event_ts", "__created_ts"]);
    const expected = [...rows(10, 5), ...rows(0, 10)].map((r) => ({
      value: r.value_raw,
      id: r.id,
      __event_ts: r.ts,
      __created_ts: r.written,
    }));
    expect(out).toEqual(expected);
  });

  it("reads only the files of an earlier listing, so a file written after it is not read", async () => {
    const files = await listSourceFiles(store, "src");
    expect(files).toEqual(["src/more/part-1.parquet", "src/part-0.parquet"]);
    await writeParquet(store, "src/late/part-2.parquet", table(rows(20, 3), fileTypes));
    try {
      const options = {
        store,
        path: "src",
        timestampField: "ts",
        fieldMapping: { value_raw: "value" },
        columns,
      };
      expect((await collect(scanSource({ ...options, files }))).rows).toHaveLength(15);
      expect((await collect(scanSource(options))).rows).toHaveLength(18);
    } finally {
      await store.delete("src/late/part-2.parquet");
    }
  });

  it("reads a single file and filters [start, end) on the event timestamp", async () => {
    const { rows: out } = await collect(
      scanSource({
        store,
        path: "src/part-0.parquet",
        timestampField: "ts",
        columns: [{ name: "value_raw", type: "float64" }],
        start: T0 + 3000,
        end: T0 + 7000,
      }),
    );
    // Rows 3, 4, 5, 6 have ts in [3 s, 7 s): values 1.5, 2, 2.5, 3; no __created_ts without a created field.
    expect(out).toEqual([1.5, 2, 2.5, 3].map((v, i) => ({ value_raw: v, __event_ts: T0 + (3 + i) * 1000 })));
  });

  it("filters rows out of time order, keeping every column's values and nulls", async () => {
    // Times 0, 9, 1, 8, 2, 7, ... s: the rows kept by [2 s, 8 s) are not contiguous.
    const order = [0, 9, 1, 8, 2, 7, 3, 6, 4, 5];
    const shuffled = order.map((i) => rows(i, 1)[0]!);
    await writeParquet(store, "shuffled/part.parquet", table(shuffled, fileTypes), {});
    const { rows: out } = await collect(
      scanSource({
        store,
        path: "shuffled/",
        timestampField: "ts",
        columns: [
          { name: "note", type: "string" },
          { name: "id", type: "int64" },
        ],
        start: T0 + 2000,
        end: T0 + 8000,
      }),
    );
    const expected = shuffled
      .filter((r) => r.ts >= T0 + 2000 && r.ts < T0 + 8000)
      .map((r) => ({ note: r.note, id: r.id, __event_ts: r.ts }));
    expect(expected.map((r) => r.__event_ts - T0)).toEqual([2000, 7000, 3000, 6000, 4000, 5000]);
    expect(out).toEqual(expected);
  });

  it("stops reading when the consumer stops", async () => {
    let batches = 0;
    const mapped = {
      store,
      path: "src",
      timestampField: "ts",
      fieldMapping: { value_raw: "value" },
      columns,
    };
    for await (const _batch of scanSource(mapped)) {
      batches++;
      if (batches === 2) break;
    }
    expect(batches).toBe(2);
  });

  it("yields nothing for an empty folder", async () => {
    expect(
      (await collect(scanSource({ store, path: "nothing-here/", timestampField: "ts", columns }))).rows,
    ).toEqual([]);
  });

  it("rejects a column of another type with FEATURE_SCHEMA_MISMATCH naming file, column and both types", async () => {
    const error = await caught(
      scanSource({
        store,
        path: "other/wrong-type.parquet",
        timestampField: "ts",
        fieldMapping: { value_raw: "value" },
        columns,
      }),
    );
    expect(error.code).toBe("FEATURE_SCHEMA_MISMATCH");
    expect(error.details).toMatchObject({ column: "value_raw", declared: "float64", found: "int32" });
    expect(String(error.details?.file)).toContain("other/wrong-type.parquet");
    expect(error.message).toContain("other/wrong-type.parquet");
  });

  it("rejects a missing column with FEATURE_SCHEMA_MISMATCH", async () => {
    const error = await caught(
      scanSource({ store, path: "src", timestampField: "ts", columns: [{ name: "speed", type: "float64" }] }),
    );
    expect(error.code).toBe("FEATURE_SCHEMA_MISMATCH");
    expect(error.details).toMatchObject({ column: "speed", found: "no such column" });
    const missingTs = await caught(scanSource({ store, path: "src", timestampField: "event_time", columns }));
    expect(missingTs.details).toMatchObject({ column: "event_time", declared: "timestamp" });
  });

  it("rejects a timestamp without a time zone with FEATURE_NAIVE_TIMESTAMP", async () => {
    const error = await caught(
      scanSource({
        store,
        path: "other/naive.parquet",
        timestampField: "ts",
        columns: [{ name: "id", type: "int64" }],
      }),
    );
    expect(error.code).toBe("FEATURE_NAIVE_TIMESTAMP");
    expect(error.details).toMatchObject({ column: "ts" });
    expect(String(error.details?.file)).toContain("other/naive.parquet");
  });

  it("rejects a naive timestamp declared as a feature too", async () => {
    const error = await caught(
      scanSource({
        store,
        path: "other/naive.parquet",
        timestampField: "ts",
        columns: [{ name: "ts", type: "timestamp" }],
      }),
    );
    expect(error.code).toBe("FEATURE_NAIVE_TIMESTAMP");
  });
});
