import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalBlobStore, writeParquet } from "@ballast/core";
import { Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import type { ParquetSourceSpec } from "../registry/object-spec.js";
import { vectorOf } from "./arrow-values.js";
import { concatScans, sourceFileRanges } from "./source-file-ranges.js";

const spec: ParquetSourceSpec = {
  kind: "parquet-source",
  name: "s",
  path: "src/",
  timestampField: "ts",
  createdTimestampField: null,
  fieldMapping: {},
  description: null,
};

describe("sourceFileRanges", () => {
  it("gives each file's min and max event time, in key order, leaving out files without times", async () => {
    const store = await createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-ranges-")));
    const file = (times: (number | null)[]) =>
      new Table({
        ts: vectorOf("timestamp", times),
        x: vectorOf(
          "int32",
          times.map(() => 1),
        ),
      });
    await writeParquet(store, "src/b.parquet", file([50, null, 20]));
    await writeParquet(store, "src/a/part.parquet", file([7, 3, 9]));
    await writeParquet(store, "src/empty.parquet", file([null]));
    await writeParquet(store, "other/c.parquet", file([1]));
    await store.put("src/notes.txt", "not parquet");
    // By hand: a/part has 3..9, b has 20..50 (the null is skipped), empty has no time.
    expect(await sourceFileRanges(store, spec)).toEqual([
      { key: "src/a/part.parquet", min: 3, max: 9 },
      { key: "src/b.parquet", min: 20, max: 50 },
    ]);
    await store.close();
  });
});

describe("concatScans", () => {
  it("yields every scan's batches in order", async () => {
    const scan = (n: number) =>
      async function* () {
        yield new Table({ n: vectorOf("int32", [n]) }).batches[0]!;
      };
    const seen: unknown[] = [];
    for await (const batch of concatScans([scan(1), scan(2), scan(3)]))
      seen.push(batch.getChild("n")!.get(0));
    expect(seen).toEqual([1, 2, 3]);
  });
});
