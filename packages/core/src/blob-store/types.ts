import type { Readable } from "node:stream";

/** Metadata of a stored object. */
export interface BlobInfo {
  /** Key relative to the store's root, `/`-separated, never starting with `/`. */
  key: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time, epoch milliseconds (UTC). */
  lastModified: number;
  /** Hex sha256 of the content, when the store recorded it on write. */
  sha256?: string;
  /** The content type given on write, when the store keeps one (S3 defaults it to `binary/octet-stream`). */
  contentType?: string;
  /** User metadata stored with the object; absent when there is none. */
  metadata?: Record<string, string>;
}

/** Result of a successful write. */
export interface PutResult {
  key: string;
  size: number;
  /** Hex sha256 of the bytes written, computed while streaming. */
  sha256: string;
}

/** Bytes to write: a whole buffer, or a stream read once without being held in memory. */
export type BlobBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** Options of {@link BlobStore.put}. */
export interface PutOptions {
  /** Fail with `BLOB_ALREADY_EXISTS` instead of overwriting (atomic on every implementation). */
  ifNoneMatch?: boolean;
  /** MIME type recorded with the object, e.g. `application/json`. */
  contentType?: string;
  /**
   * Small string pairs recorded with the object. For portability use lowercase keys and US-ASCII
   * values: S3 sends them as HTTP headers and lowercases the keys.
   */
  metadata?: Record<string, string>;
  /** Aborting rejects the put with `ABORTED` and leaves no object (or the previous one) behind. */
  signal?: AbortSignal;
}

/** One range of {@link BlobStore.readInto}: `target.length` bytes at `offset` land in `target`. */
export interface RangeRead {
  offset: number;
  target: Uint8Array;
}

/** Options of {@link BlobStore.get} and {@link BlobStore.getBytes}. A range past the end is clamped, not an error. */
export interface GetOptions {
  /** First byte to read (inclusive). */
  offset?: number;
  /** Number of bytes to read from `offset`; to the end when omitted. */
  length?: number;
  /** Cancels the request (remote stores). */
  signal?: AbortSignal;
}

/** Options of {@link BlobStore.list}. */
export interface ListOptions {
  /** Only keys that start with this prefix. */
  prefix?: string;
  /** At most this many keys per page (default 1000). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

/** One page of {@link BlobStore.list}. */
export interface ListPage {
  /** Objects in ascending key order (by UTF-8 bytes), with `key`, `size` and `lastModified` only: `head` has the rest. */
  items: BlobInfo[];
  /** Pass to the next call to continue; undefined on the last page. */
  cursor?: string;
}

/**
 * Object storage under one root (a directory, a bucket and prefix). Implementations: local files,
 * S3, GCS. Every implementation passes `blobStoreContract`.
 *
 * A failed or aborted `put` never leaves a partial object visible: readers see the previous
 * object or nothing.
 */
export interface BlobStore {
  readonly specificationVersion: "v1";
  /** The URI this store was opened from, e.g. `file:///data/artifacts`, `s3://bucket/prefix`. */
  readonly uri: string;
  /**
   * Streams `body` to `key`, computing its sha256 on the way. Throws `BLOB_KEY_INVALID`,
   * `BLOB_ALREADY_EXISTS` (with `ifNoneMatch`), `ABORTED` or `BLOB_STORE_ERROR`.
   */
  put(key: string, body: BlobBody, options?: PutOptions): Promise<PutResult>;
  /** Streams an object (or a byte range of it). Throws `BLOB_NOT_FOUND` when absent. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  /** Reads a whole object (or a byte range) into memory: for small objects and footers. */
  getBytes(key: string, options?: GetOptions): Promise<Uint8Array>;
  /**
   * Optional, where reads are positional (local files): reads byte ranges of one object straight into
   * the caller's buffers, each `target.length` bytes at its `offset`, with no intermediate buffers,
   * and returns how many bytes each got (fewer past the end of the object). Readers of many ranges
   * (Parquet column chunks) use it when present and `get` otherwise. Throws `BLOB_NOT_FOUND` when absent.
   */
  readInto?(key: string, reads: readonly RangeRead[], options?: { signal?: AbortSignal }): Promise<number[]>;
  /** Metadata of an object, or undefined when absent. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** One page of objects under a prefix, in key order. */
  list(options?: ListOptions): Promise<ListPage>;
  /** Deletes an object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
