import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Field,
  Int32,
  type RecordBatch,
  Schema,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  Uint8,
  vectorFromArray,
} from "apache-arrow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseLogicalSchema } from "../arrow/logical-schema.js";
import { toArrowSchema } from "../arrow/to-arrow-schema.js";
import { createLocalBlobStore } from "../blob-store/local/local-blob-store.js";
import type { BlobStore } from "../blob-store/types.js";
import { BallastError } from "../errors/index.js";
import { readParquet } from "./read-parquet.js";
import { readParquetMetadata } from "./read-parquet-metadata.js";
import { writeParquet } from "./write-parquet.js";

let dir: string;
let store: BlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ballast-parquet-"));
  store = await createLocalBlobStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * One column per logical type, nullable, with edge values. Expectations are these literals, written
 * out here, not values read from the Arrow table that was written.
 */
const logical = parseLogicalSchema({
  fields: [
    { name: "b", type: "bool" },
    { name: "i32", type: "int32" },
    { name: "i64", type: "int64" },
    { name: "f32", type: "float32" },
    { name: "f64", type: "float64" },
    { name: "s", type: "string" },
    { name: "raw", type: "bytes" },
    { name: "ts", type: "timestamp" },
    { name: "tags", type: { list: "string" } },
    { name: "scores", type: { list: "float64", elementNullable: false } },
    { name: "ids", type: { list: "int64" } },
  ],
});
const expected = {
  b: [true, false, null, true],
  i32: [-2147483648, 2147483647, null, 0],
  // Beyond 2^53: these only survive as bigint.
  i64: [2n ** 60n + 1n, -(2n ** 63n), null, 2n ** 63n - 1n],
  f32: [0.5, -1.25, null, 3.5],
  f64: [Math.PI, -0, null, Number.MAX_VALUE],
  s: ["", "héllo wörld ✓", null, "x".repeat(1000)],
  raw: [new Uint8Array([0, 255, 1]), new Uint8Array([]), null, new Uint8Array([42])],
  // Epoch milliseconds, UTC: a pre-1970 instant, a ms-precise one, null, and the epoch itself.
  ts: [-86_400_001, Date.UTC(2024, 1, 29, 23, 59, 59, 999), null, 0],
  tags: [["a", null, "c"], [], null, ["only"]],
  scores: [[1.5, 2.5], [], null, [-0.25]],
  ids: [[2n ** 62n], [null], null, []],
};

function sampleTable(): Table {
  const schema = toArrowSchema(logical);
  const columns = Object.fromEntries(
    schema.fields.map((field) => [
      field.name,
      vectorFromArray(expected[field.name as keyof typeof expected] as never, field.type),
    ]),
  );
  return new Table(columns);
}

/** Plain JS values of a column, lists as arrays, for comparison with `expected`. */
function columnValues(table: Table, name: string): unknown[] {
  const column = table.getChild(name)!;
  return Array.from({ length: table.numRows }, (_, i) => {
    const value = column.get(i) as unknown;
    // A list cell is a Vector; iterating it (unlike toArray) keeps null elements as null.
    if (
      value !== null &&
      typeof value === "object" &&
      Symbol.iterator in value &&
      !(value instanceof Uint8Array)
    ) {
      return [...(value as Iterable<unknown>)];
    }
    return value;
  });
}

describe("writeParquet / readParquet round trip", () => {
  it("keeps every logical type, nulls, lists, int64 beyond 2^53 and ms UTC timestamps", async () => {
    const written = await writeParquet(store, "all-types.parquet", sampleTable());
    expect(written.numRows).toBe(4);
    const table = await readParquet(store, "all-types.parquet");
    expect(table.schema.fields.map((field) => `${field.name}: ${field.type}`)).toEqual([
      "b: Bool",
      "i32: Int32",
      "i64: Int64",
      "f32: Float32",
      "f64: Float64",
      "s: Utf8",
      "raw: Binary",
      "ts: Timestamp<MILLISECOND, UTC>",
      "tags: List<Utf8>",
      "scores: List<Float64>",
      "ids: List<Int64>",
    ]);
    for (const [name, values] of Object.entries(expected)) {
      const got = columnValues(table, name);
      expect(got, name).toEqual(values);
    }
    expect(Object.is(columnValues(table, "f64")[1], -0)).toBe(true);
    expect(typeof columnValues(table, "i64")[0]).toBe("bigint");
  });

  it("writes each supported codec and reads it back", async () => {
    for (const compression of ["uncompressed", "snappy", "gzip", "brotli", "zstd", "lz4"] as const) {
      await writeParquet(store, `${compression}.parquet`, sampleTable(), { compression });
      const metadata = await readParquetMetadata(store, `${compression}.parquet`);
      const codecs = new Set(
        metadata.rowGroups.flatMap((group) => group.columns.map((column) => column.compression)),
      );
      expect([...codecs]).toEqual([
        { uncompressed: "UNCOMPRESSED", lz4: "LZ4_RAW" }[compression as string] ?? compression.toUpperCase(),
      ]);
      expect(columnValues(await readParquet(store, `${compression}.parquet`), "s")).toEqual(expected.s);
    }
  });

  it("writes an empty table as a typed file with no rows", async () => {
    const schema = toArrowSchema(logical);
    await writeParquet(store, "empty.parquet", new Table(schema));
    const table = await readParquet(store, "empty.parquet");
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map(String)).toEqual(schema.fields.map(String));
    expect((await readParquetMetadata(store, "empty.parquet")).rowGroups).toEqual([]);
  });

  it("cuts a stream of odd-sized batches into row groups of exactly rowGroupSize rows", async () => {
    const schema = new Schema([
      new Field("n", new Int32(), false),
      new Field("at", new TimestampMillisecond("UTC"), false),
    ]);
    let next = 0;
    async function* batches(): AsyncGenerator<RecordBatch> {
      for (const size of [1, 999, 2500, 0, 7, 1493]) {
        const values = Array.from({ length: size }, () => next++);
        const table = new Table({
          n: vectorFromArray(values, new Int32()),
          at: vectorFromArray(
            values.map((v) => v * 1000),
            new TimestampMillisecond("UTC"),
          ),
        });
        yield* table.batches;
      }
    }
    const progress: number[] = [];
    const result = await writeParquet(store, "stream.parquet", batches(), {
      schema,
      rowGroupSize: 1000,
      onProgress: (event) => progress.push(event.rowsWritten),
    });
    expect(result).toMatchObject({ numRows: 5000, numRowGroups: 5 });
    expect(progress).toEqual([1000, 2000, 3000, 4000, 5000]);
    const metadata = await readParquetMetadata(store, "stream.parquet");
    expect(metadata.rowGroups.map((group) => group.numRows)).toEqual([1000, 1000, 1000, 1000, 1000]);
    const table = await readParquet(store, "stream.parquet");
    expect(Array.from(table.getChild("n")!.toArray() as Int32Array)).toEqual(
      Array.from({ length: 5000 }, (_, i) => i),
    );
    expect(table.getChild("at")!.get(4999)).toBe(4_999_000);
  });

  it("writes tableFromArrays' dictionary-encoded strings as plain strings", async () => {
    const table = tableFromArrays({ city: ["Oslo", "Lima", "Oslo"], n: Int32Array.from([1, 2, 3]) });
    expect(String(table.schema.fields[0]!.type)).toMatch(/^Dictionary/);
    await writeParquet(store, "dict.parquet", table);
    const back = await readParquet(store, "dict.parquet");
    expect(String(back.schema.fields[0]!.type)).toBe("Utf8");
    expect(columnValues(back, "city")).toEqual(["Oslo", "Lima", "Oslo"]);
  });

  it("rejects nulls in a column the schema says is not nullable", async () => {
    const schema = new Schema([new Field("n", new Int32(), false)]);
    const batches = new Table({ n: vectorFromArray([1, null], new Int32()) }).batches;
    await expect(writeParquet(store, "req.parquet", batches, { schema })).rejects.toThrow(
      /n: the schema says it is not nullable/,
    );
  });

  it("rejects a column with no logical type before writing anything", async () => {
    const table = new Table({ u: vectorFromArray([1, 2], new Uint8()) });
    await expect(writeParquet(store, "u.parquet", table)).rejects.toMatchObject({ code: "SCHEMA_INVALID" });
    expect(await store.head("u.parquet")).toBeUndefined();
  });

  it("rejects a batch whose schema differs from the first and leaves the previous file intact", async () => {
    await writeParquet(store, "keep.parquet", sampleTable());
    const before = await store.getBytes("keep.parquet");
    async function* mixed(): AsyncGenerator<RecordBatch> {
      yield* new Table({ a: vectorFromArray([1], new Int32()) }).batches;
      yield* new Table({ a: vectorFromArray(["x"]) }).batches;
    }
    await expect(writeParquet(store, "keep.parquet", mixed())).rejects.toMatchObject({
      code: "SCHEMA_INVALID",
    });
    expect(await store.getBytes("keep.parquet")).toEqual(before);
  });

  it("fails an empty stream without a schema, and a failing source without leaving an object", async () => {
    await expect(writeParquet(store, "none.parquet", [])).rejects.toMatchObject({ code: "PARQUET_ERROR" });
    async function* broken(): AsyncGenerator<RecordBatch> {
      yield* sampleTable().batches;
      throw new Error("upstream went away");
    }
    await expect(writeParquet(store, "broken.parquet", broken(), { rowGroupSize: 2 })).rejects.toThrow(
      /upstream went away/,
    );
    expect(await store.head("broken.parquet")).toBeUndefined();
  });

  it("validates options with VALIDATION_FAILED", async () => {
    const error = await writeParquet(store, "x.parquet", sampleTable(), { rowGroupSize: 0 }).catch(
      (e: unknown) => e,
    );
    expect(BallastError.isInstance(error, "VALIDATION_FAILED")).toBe(true);
    expect(String(error)).toContain("rowGroupSize");
  });
});
