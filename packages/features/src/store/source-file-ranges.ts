import type { BlobStore } from "@ballast/core";
import type { RecordBatch } from "apache-arrow";
import { EVENT_TS_COLUMN, scanSource } from "../offline/scan-source.js";
import type { ParquetSourceSpec } from "../registry/object-spec.js";

/** The event-time range of one Parquet file of a source (inclusive bounds, epoch ms). */
export interface SourceFileRange {
  key: string;
  min: number;
  max: number;
}

/** The `.parquet` keys of a folder source, in key order (the order the source scan reads them). */
async function folderKeys(store: BlobStore, path: string): Promise<string[]> {
  const prefix = path === "" || path.endsWith("/") ? path : `${path}/`;
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) if (item.key.endsWith(".parquet")) keys.push(item.key);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return keys;
}

/**
 * The event-time range of every file of a folder source, from one scan of the timestamp column
 * alone. Materialization uses it to scan, per time chunk, only the files whose range meets the
 * chunk: a time-partitioned source (daily files) is then read about once in total instead of once
 * per chunk. Files without a non-null event time are left out (they contribute no row).
 */
export async function sourceFileRanges(
  store: BlobStore,
  source: ParquetSourceSpec,
  signal?: AbortSignal,
): Promise<SourceFileRange[]> {
  const ranges: SourceFileRange[] = [];
  for (const key of await folderKeys(store, source.path)) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for await (const batch of scanSource({
      store,
      path: key,
      timestampField: source.timestampField,
      fieldMapping: source.fieldMapping,
      columns: [],
      ...(signal ? { signal } : {}),
    })) {
      const ts = batch.getChild(EVENT_TS_COLUMN)!;
      for (let i = 0; i < batch.numRows; i++) {
        const value = ts.get(i) as number | null;
        if (value === null) continue;
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
    if (min <= max) ranges.push({ key, min, max });
  }
  return ranges;
}

/** Batches of several scans, one after another (files in the given order). */
export async function* concatScans(
  scans: readonly (() => AsyncIterable<RecordBatch>)[],
): AsyncGenerator<RecordBatch> {
  for (const scan of scans) yield* scan();
}
