import type { BlobStore, GetOptions } from "../blob-store/types.js";

/** One ranged read (`getBytes` or `get`) seen by {@link recordRanges}. */
export interface RecordedRange {
  offset: number;
  length: number;
}

/**
 * Test support: wraps a store and records every `getBytes` and `get` (with the length asked for), so tests can check what a reader
 * fetched (only the footer, only some columns, one row group at a time). Not exported by the package.
 */
export function recordRanges(store: BlobStore): { store: BlobStore; ranges: RecordedRange[] } {
  const ranges: RecordedRange[] = [];
  const recording: BlobStore = {
    specificationVersion: store.specificationVersion,
    uri: store.uri,
    put: (key, body, options) => store.put(key, body, options),
    async get(key: string, options?: GetOptions) {
      const stream = await store.get(key, options);
      ranges.push({ offset: options?.offset ?? 0, length: options?.length ?? Number.POSITIVE_INFINITY });
      return stream;
    },
    async getBytes(key: string, options?: GetOptions) {
      const bytes = await store.getBytes(key, options);
      ranges.push({ offset: options?.offset ?? 0, length: bytes.length });
      return bytes;
    },
    head: (key) => store.head(key),
    list: (options) => store.list(options),
    delete: (key) => store.delete(key),
    close: () => store.close(),
    [Symbol.asyncDispose]: () => store.close(),
  };
  return { store: recording, ranges };
}
