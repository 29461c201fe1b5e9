import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Int32, Int64, makeVector, Table, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../blob-store/local/local-blob-store.js";
import type { BlobStore } from "../blob-store/types.js";
import { BallastError } from "../errors/index.js";
import { recordRanges } from "./range-recording-store.js";
import { readParquet } from "./read-parquet.js";
import { readParquetMetadata } from "./read-parquet-metadata.js";
import { openRowGroupDecoder } from "./row-group-decoder.js";
import { scanParquet } from "./scan-parquet.js";
import { writeParquet } from "./write-parquet.js";

let dir: string;
let store: BlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ballast-parquet-read-"));
  store = await createLocalBlobStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const ROWS = 3000;
/** Row i holds id i, name `n<i>` and timestamp i seconds after 2024-01-01, so expectations are formulas. */
const START = Date.UTC(2024, 0, 1);
function numbered(rows = ROWS): Table {
  const ids = Array.from({ length: rows }, (_, i) => i);
  return new Table({
    id: vectorFromArray(ids, new Int32()),
    name: vectorFromArray(
      ids.map((i) => `n${i}`),
      new Utf8(),
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

async function expectParquetError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(BallastError.isInstance(error, "PARQUET_ERROR"), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe("readParquet", () => {
  it("projects columns in the order asked, fetching only their chunks", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 1000, compression: "uncompressed" });
    const { store: recording, ranges } = recordRanges(store);
    const table = await readParquet(recording, "t.parquet", { columns: ["at", "id"] });
    expect(table.schema.fields.map(String)).toEqual(["at: Timestamp<MILLISECOND, UTC>", "id: Int32"]);
    expect(table.numRows).toBe(ROWS);
    expect(table.getChild("at")!.get(2999)).toBe(START + 2_999_000);
    expect(table.getChild("id")!.get(1234)).toBe(1234);
    // A single column fetches exactly its chunks: one range per row group, of the chunk's size.
    const metadata = await readParquetMetadata(store, "t.parquet");
    ranges.length = 0;
    await readParquet(recording, "t.parquet", { columns: ["big"] });
    const bigChunks = metadata.rowGroups.map(
      (group) => group.columns.find((column) => column.path[0] === "big")!.compressedBytes,
    );
    expect(ranges.slice(1).map((range) => range.length)).toEqual(bigChunks);
  });

  it("reads chosen row groups in the order given", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 1000 });
    const table = await readParquet(store, "t.parquet", { rowGroups: [2, 0], columns: ["id", "big"] });
    expect(table.numRows).toBe(2000);
    expect(table.getChild("id")!.get(0)).toBe(2000);
    expect(table.getChild("id")!.get(1000)).toBe(0);
    expect(table.getChild("big")!.get(1999)).toBe(999n * 10n ** 15n);
    expect((await readParquet(store, "t.parquet", { rowGroups: [] })).numRows).toBe(0);
  });

  it("names unknown columns and row groups, and what exists", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 1000 });
    await expectParquetError(
      readParquet(store, "t.parquet", { columns: ["id", "nope"] }),
      /No column "nope"[\s\S]*id, name, big, at/,
    );
    await expectParquetError(
      readParquet(store, "t.parquet", { rowGroups: [3] }),
      /Row group 3 does not exist: the file has 3/,
    );
    await expect(readParquet(store, "missing.parquet")).rejects.toMatchObject({ code: "BLOB_NOT_FOUND" });
  });
});

describe("corrupt and truncated files", () => {
  async function writtenBytes(): Promise<Uint8Array> {
    await writeParquet(store, "good.parquet", numbered(), { rowGroupSize: 1000 });
    return store.getBytes("good.parquet");
  }

  it("a truncated file fails with PARQUET_ERROR, not a crash", async () => {
    const bytes = await writtenBytes();
    await store.put("cut.parquet", bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectParquetError(
      readParquet(store, "cut.parquet"),
      /does not end with the Parquet magic[\s\S]*truncated/,
    );
    await store.put("tiny.parquet", new Uint8Array([0x50, 0x41, 0x52]));
    await expectParquetError(readParquetMetadata(store, "tiny.parquet"), /too small/);
  });

  it("a file with bytes missing from its middle fails with PARQUET_ERROR", async () => {
    const bytes = await writtenBytes();
    // Drop 100 bytes from the middle: the footer's offsets now point past the data.
    const holed = new Uint8Array([...bytes.subarray(0, 2000), ...bytes.subarray(2100)]);
    await store.put("holed.parquet", holed);
    await expectParquetError(readParquet(store, "holed.parquet"), /row group|corrupt|decode/i);
  });

  it("a file cut short after its footer was read fails with PARQUET_ERROR, by positional or streamed reads", async () => {
    const bytes = await writtenBytes();
    // Half the file keeps the first of the three row groups at most: the last one's chunks are gone.
    const cut = Math.floor(bytes.length / 2);
    // The same store without readInto: row groups are then fetched with `get`.
    const streamed = new Proxy(store, {
      get: (target, name) => {
        if (name === "readInto") return undefined;
        const value = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    expect(store.readInto).toBeTypeOf("function");
    expect(streamed.readInto).toBeUndefined();
    for (const reader of [store, streamed]) {
      await store.put("shrinking.parquet", bytes);
      const decoder = await openRowGroupDecoder(reader, "shrinking.parquet");
      await store.put("shrinking.parquet", bytes.subarray(0, cut));
      await expectParquetError(decoder.read(2, {}), /shorter than its footer says/);
    }
  });

  it("stops the other range streams of a row group when one of them fails", async () => {
    // Three incompressible ~800 KB columns: reading a and c skips b, so they are two separate ranges.
    let seed = 7;
    const noise = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const column = () => makeVector(Float64Array.from({ length: 100_000 }, noise));
    await writeParquet(store, "wide.parquet", new Table({ a: column(), b: column(), c: column() }), {
      compression: "uncompressed",
    });
    const streams: Readable[] = [];
    // Without readInto, so row groups are fetched with `get`: the first range fails, the second hangs.
    const failing = new Proxy(store, {
      get: (target, name) => {
        if (name === "readInto") return undefined;
        if (name === "get") {
          return async () => {
            const stream =
              streams.length === 0
                ? new Readable({
                    read() {
                      this.destroy(new Error("connection reset"));
                    },
                  })
                : new Readable({ read() {} });
            streams.push(stream);
            return stream;
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const decoder = await openRowGroupDecoder(failing, "wide.parquet");
    await expect(decoder.read(0, { columns: ["a", "c"] })).rejects.toThrow("connection reset");
    expect(streams).toHaveLength(2);
    expect(streams.every((stream) => stream.destroyed)).toBe(true);
  });

  it("garbage bytes and a corrupt footer fail with PARQUET_ERROR", async () => {
    const bytes = await writtenBytes();
    await store.put("text.parquet", "this is not parquet at all, just text");
    await expectParquetError(readParquet(store, "text.parquet"), /not a readable Parquet file/);
    const badFooter = bytes.slice();
    const footerLength = new DataView(badFooter.buffer).getUint32(badFooter.length - 8, true);
    badFooter.fill(0xff, badFooter.length - 8 - footerLength, badFooter.length - 8);
    await store.put("footer.parquet", badFooter);
    await expectParquetError(readParquetMetadata(store, "footer.parquet"), /footer is corrupt/);
  });

  it("corrupt data pages fail with PARQUET_ERROR and the codec keeps working", async () => {
    const bytes = await writtenBytes();
    const metadata = await readParquetMetadata(store, "good.parquet");
    expect(metadata.rowGroups).toHaveLength(3);
    const bad = bytes.slice();
    // Overwrite the start of the file's data (page headers of the first chunks) with 0xff.
    bad.fill(0xff, 4, 200);
    await store.put("pages.parquet", bad);
    await expectParquetError(readParquet(store, "pages.parquet"), /decode row group 0/);
    // A trap inside WebAssembly must not leave the module unusable for the next read.
    expect((await readParquet(store, "good.parquet")).numRows).toBe(ROWS);
  });
});

describe("scanParquet", () => {
  it("streams many row groups one at a time, holding one row group of fetched bytes", async () => {
    const rowGroups = 40;
    await writeParquet(store, "many.parquet", numbered(rowGroups * 250), { rowGroupSize: 250 });
    const metadata = await readParquetMetadata(store, "many.parquet");
    expect(metadata.rowGroups).toHaveLength(rowGroups);
    const largestGroup = Math.max(...metadata.rowGroups.map((group) => group.compressedBytes));
    const { store: recording, ranges } = recordRanges(store);
    let rows = 0;
    let idSum = 0;
    const fetchedBeforeBatch: number[] = [];
    for await (const batch of scanParquet(recording, "many.parquet")) {
      fetchedBeforeBatch.push(ranges.length);
      rows += batch.numRows;
      for (const id of batch.getChild("id")!.toArray() as Int32Array) idSum += id;
    }
    expect(rows).toBe(10_000);
    expect(idSum).toBe((10_000 * 9_999) / 2);
    // One footer read, then exactly one read per row group, each no bigger than a row group, made
    // just before that row group's batch is yielded: the scan never runs ahead.
    expect(ranges).toHaveLength(1 + rowGroups);
    expect(Math.max(...ranges.slice(1).map((range) => range.length))).toBeLessThanOrEqual(largestGroup);
    expect(fetchedBeforeBatch).toEqual(Array.from({ length: rowGroups }, (_, i) => i + 2));
  });

  it("splits row groups into batches of batchRows and stops reading when the consumer stops", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 1000 });
    const sizes: number[] = [];
    for await (const batch of scanParquet(store, "t.parquet", { batchRows: 400, columns: ["name"] })) {
      sizes.push(batch.numRows);
      expect(batch.schema.fields.map((field) => field.name)).toEqual(["name"]);
    }
    expect(sizes).toEqual([400, 400, 200, 400, 400, 200, 400, 400, 200]);
    const { store: recording, ranges } = recordRanges(store);
    for await (const batch of scanParquet(recording, "t.parquet")) {
      expect(batch.getChild("name")!.get(0)).toBe("n0");
      break;
    }
    expect(ranges).toHaveLength(2);
  });
});

describe("readParquetMetadata", () => {
  it("reports schema, row groups and counts from the footer alone", async () => {
    await writeParquet(store, "t.parquet", numbered(), { rowGroupSize: 1000, compression: "zstd" });
    const { store: recording, ranges } = recordRanges(store);
    const metadata = await readParquetMetadata(recording, "t.parquet");
    expect(ranges).toHaveLength(1);
    expect(metadata.numRows).toBe(ROWS);
    expect(metadata.rowGroups.map((group) => group.numRows)).toEqual([1000, 1000, 1000]);
    expect(
      metadata.rowGroups[0]!.columns.map((column) => [column.path.join("."), column.compression]),
    ).toEqual([
      ["id", "ZSTD"],
      ["name", "ZSTD"],
      ["big", "ZSTD"],
      ["at", "ZSTD"],
    ]);
    expect(metadata.schema.fields.map(String)).toEqual([
      "id: Int32",
      "name: Utf8",
      "big: Int64",
      "at: Timestamp<MILLISECOND, UTC>",
    ]);
    expect(metadata.createdBy).toContain("ballast");
    expect(Object.keys(metadata.keyValueMetadata)).toContain("ARROW:schema");
    expect(metadata.sizeBytes).toBe((await store.head("t.parquet"))!.size);
  });
});
