import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Bucket, type File, Storage } from "@google-cloud/storage";
import { BallastError } from "../../errors/index.js";
import {
  blobAborted,
  blobAlreadyExists,
  blobNotFound,
  blobStoreError,
  sha256NotRecorded,
} from "../blob-errors.js";
import { emptyStream, readAll, sizeBody } from "../body.js";
import { bucketLocation } from "../bucket-location.js";
import { type BucketUriScheme, parseBucketUri } from "../bucket-uri.js";
import { ContentDigest } from "../content-digest.js";
import { assertValidKey, assertValidPrefix } from "../key.js";
import { listLimit } from "../list-limit.js";
import { byteRange } from "../range.js";
import { readStoredMetadata, SHA256_METADATA_KEY } from "../sha256-metadata.js";
import type {
  BlobBody,
  BlobInfo,
  BlobStore,
  GetOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
} from "../types.js";

/** The one method of a `Storage` this store calls, so any configured v7 instance can be passed in. */
export interface GcsStorageLike {
  bucket(name: string): Bucket;
}

/** Options of {@link createGcsBlobStore}. */
export interface GcsBlobStoreOptions {
  bucket: string;
  /** Object-name prefix inside the bucket; a trailing `/` is added when missing. */
  prefix?: string;
  /** Your own `Storage`; when given, `apiEndpoint`, `projectId` and `keyFilename` are ignored. */
  storage?: GcsStorageLike;
  /** Another endpoint, such as an emulator (`http://127.0.0.1:4443`); Google Cloud when omitted. */
  apiEndpoint?: string;
  projectId?: string;
  /** Service-account key file; Application Default Credentials when omitted. */
  keyFilename?: string;
  /** Bodies up to this many bytes go up in one request with their sha256; larger ones resumably. Default 8 MiB. */
  resumableThreshold?: number;
}

const GCS_URI: BucketUriScheme = {
  protocol: "gs:",
  name: "GCS",
  hint: "Use gs://bucket/prefix, optionally with ?endpoint=URL&projectId=ID.",
};

/**
 * Opens a blob store on Google Cloud Storage (or an emulator such as fake-gcs-server).
 *
 * Bodies up to `resumableThreshold` go up in one request with their sha256 in custom metadata.
 * Larger or unknown-size bodies stream through a resumable upload, and the sha256, known only at the
 * end, is then patched into the metadata of exactly the generation written (`ifGenerationMatch`), so
 * it can never land on another writer's object; `head` omits it in the moment between. An aborted
 * upload is never finalised, so no partial object appears.
 *
 * `ifNoneMatch` is `ifGenerationMatch: 0`, which GCS enforces atomically. The client retries
 * conditional writes on transient errors, so in rare cases a retry of a write that did succeed
 * reports `BLOB_ALREADY_EXISTS`.
 *
 * @param target `gs://bucket/prefix?endpoint=http://127.0.0.1:4443&projectId=my-project`, or the options.
 * @throws BallastError `CONFIG_INVALID` for a URI that is not `gs://bucket[/prefix]`.
 *
 * @example
 * await using store = await createGcsBlobStore("gs://ml-artifacts/team-a");
 * const footer = await store.getBytes("features/part-0.parquet", { offset: size - 8 });
 */
export async function createGcsBlobStore(
  target: string | GcsBlobStoreOptions,
  options: Omit<GcsBlobStoreOptions, "bucket" | "prefix"> = {},
): Promise<BlobStore> {
  const resolved =
    typeof target === "string" ? { ...parseGcsUri(target), ...options } : { ...target, ...options };
  return new GcsBlobStore(resolved);
}

/**
 * Parses `gs://bucket/prefix?endpoint=...&projectId=...` into options.
 *
 * @throws BallastError `CONFIG_INVALID` when the scheme is not `gs:` or the bucket is missing.
 */
export function parseGcsUri(uri: string): GcsBlobStoreOptions {
  const { bucket, prefix, query } = parseBucketUri(uri, GCS_URI);
  const options: GcsBlobStoreOptions = { bucket, prefix };
  const endpoint = query.get("endpoint");
  const projectId = query.get("projectId");
  if (endpoint) options.apiEndpoint = endpoint;
  if (projectId) options.projectId = projectId;
  return options;
}

class GcsBlobStore implements BlobStore {
  readonly specificationVersion = "v1";
  readonly uri: string;
  readonly #bucket: Bucket;
  readonly #prefix: string;
  readonly #threshold: number;
  #closed = false;

  constructor(options: GcsBlobStoreOptions) {
    const { uri, keyPrefix } = bucketLocation(GCS_URI.protocol, options.bucket, options.prefix);
    this.#prefix = keyPrefix;
    this.uri = uri;
    this.#threshold = options.resumableThreshold ?? 8 * 1024 * 1024;
    const storage =
      options.storage ??
      new Storage({
        ...(options.apiEndpoint === undefined ? {} : { apiEndpoint: options.apiEndpoint }),
        ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
        ...(options.keyFilename === undefined ? {} : { keyFilename: options.keyFilename }),
      });
    this.#bucket = storage.bucket(options.bucket);
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    this.#checkKey(key);
    const { signal } = options;
    if (signal?.aborted) throw blobAborted(this.uri, key, signal.reason);
    const file = this.#file(key);
    const preconditionOpts = options.ifNoneMatch ? { preconditionOpts: { ifGenerationMatch: 0 } } : {};
    const metadata = (extra: Record<string, string>) => ({
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      metadata: { ...options.metadata, ...extra },
    });
    try {
      const sized = await sizeBody(body, this.#threshold);
      if (sized.small) {
        const sha256 = ContentDigest.hexOf(sized.bytes);
        signal?.throwIfAborted();
        await file.save(Buffer.from(sized.bytes.buffer, sized.bytes.byteOffset, sized.bytes.byteLength), {
          resumable: false,
          metadata: metadata({ [SHA256_METADATA_KEY]: sha256 }),
          ...preconditionOpts,
        });
        return { key, size: sized.bytes.byteLength, sha256 };
      }
      const digest = new ContentDigest();
      await pipeline(
        Readable.from(digest.tap(sized.chunks), { highWaterMark: 1 }),
        file.createWriteStream({ resumable: true, metadata: metadata({}), ...preconditionOpts }),
        signal ? { signal } : {},
      );
      const result = { key, size: digest.size, sha256: digest.hex() };
      const generation = file.metadata.generation;
      if (generation !== undefined) {
        await file
          .setMetadata(
            { metadata: { [SHA256_METADATA_KEY]: result.sha256 } },
            { ifGenerationMatch: generation },
          )
          .catch((error: unknown) => {
            // 412: another writer replaced the object since; its metadata is not ours to touch.
            if (status(error) !== 412) throw sha256NotRecorded(this.uri, key, error);
          });
      }
      return result;
    } catch (error) {
      // Already ours (e.g. written but sha256 not recorded): a late abort must not relabel it.
      if (BallastError.isInstance(error)) throw error;
      if (signal?.aborted) throw blobAborted(this.uri, key, error);
      if (options.ifNoneMatch && status(error) === 412) throw blobAlreadyExists(this.uri, key, error);
      throw this.#error(`write "${key}"`, error, key);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    this.#checkKey(key);
    const { offset, length } = byteRange(options);
    // GCS reports a missing object only once the stream flows; asking first lets get() throw
    // BLOB_NOT_FOUND itself, and reading the generation it saw keeps a concurrent overwrite out.
    const [info] = await this.#file(key)
      .getMetadata()
      .catch((error: unknown) => {
        if (status(error) === 404) throw blobNotFound(this.uri, key, error);
        throw this.#error(`read "${key}"`, error, key);
      });
    const size = Number(info.size ?? 0);
    const end = length === undefined ? size : Math.min(size, offset + length);
    if (offset >= end) return emptyStream();
    const ranged = offset > 0 || end < size;
    const file = this.#bucket.file(this.#prefix + key, { generation: Number(info.generation) });
    return file.createReadStream({
      ...(ranged ? { start: offset, end: end - 1 } : {}),
      // Ranged reads cannot be checked against the whole-object checksum; whole reads are.
      validation: ranged ? false : "crc32c",
    });
  }

  async getBytes(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    return readAll(await this.get(key, options));
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    this.#checkKey(key);
    let info: File["metadata"];
    try {
      [info] = await this.#file(key).getMetadata();
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw this.#error(`head "${key}"`, error, key);
    }
    const { sha256, metadata } = readStoredMetadata(info.metadata);
    const blob: BlobInfo = {
      key,
      size: Number(info.size ?? 0),
      lastModified: info.updated === undefined ? 0 : Date.parse(info.updated),
    };
    if (sha256 !== undefined) blob.sha256 = sha256;
    if (info.contentType !== undefined) blob.contentType = info.contentType;
    if (metadata !== undefined) blob.metadata = metadata;
    return blob;
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    this.#checkOpen();
    const prefix = options.prefix ?? "";
    assertValidPrefix(prefix);
    try {
      const [files, next] = await this.#bucket.getFiles({
        prefix: this.#prefix + prefix,
        maxResults: listLimit(options.limit),
        autoPaginate: false,
        ...(options.cursor === undefined ? {} : { pageToken: options.cursor }),
      });
      const items: BlobInfo[] = files.map((file) => ({
        key: file.name.slice(this.#prefix.length),
        size: Number(file.metadata.size ?? 0),
        lastModified: file.metadata.updated === undefined ? 0 : Date.parse(file.metadata.updated),
      }));
      const cursor = (next as { pageToken?: string } | null | undefined)?.pageToken;
      return cursor ? { items, cursor } : { items };
    } catch (error) {
      throw this.#error(`list "${prefix}"`, error);
    }
  }

  async delete(key: string): Promise<void> {
    this.#checkKey(key);
    try {
      await this.#file(key).delete({ ignoreNotFound: true });
    } catch (error) {
      throw this.#error(`delete "${key}"`, error, key);
    }
  }

  /** `Storage` holds no connections or timers of its own, so closing only stops further use. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #file(key: string): File {
    return this.#bucket.file(this.#prefix + key);
  }

  #error(action: string, error: unknown, key?: string): BallastError {
    if (BallastError.isInstance(error)) return error;
    const code = status(error);
    return blobStoreError(this.uri, action, error, {
      retryable: code === undefined || code === 408 || code === 429 || code >= 500,
      ...(key === undefined ? {} : { key }),
    });
  }

  #checkKey(key: string): void {
    this.#checkOpen();
    assertValidKey(key);
  }

  #checkOpen(): void {
    if (this.#closed) throw new BallastError("RESOURCE_CLOSED", `The blob store ${this.uri} is closed.`);
  }
}

/** HTTP status of a GCS client error (`ApiError.code`), when it has one. */
function status(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
