import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
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

/**
 * The parts of an `S3Client` this store uses, so any configured v3 client can be passed in without
 * this package pinning its version. `config` is read by `@aws-sdk/lib-storage` for multipart uploads.
 */
export interface S3ClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  readonly config: object;
  destroy(): void;
}

/** Options of {@link createS3BlobStore}. */
export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket; a trailing `/` is added when missing. */
  prefix?: string;
  /** Your own client; when given, `endpoint`, `region`, `forcePathStyle` and `credentials` are ignored and `close()` leaves it open. */
  client?: S3ClientLike;
  /** Any S3-compatible endpoint (MinIO, moto, R2, ...); AWS when omitted. */
  endpoint?: string;
  /** Default: `AWS_REGION`, then `us-east-1`. */
  region?: string;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint`; most S3-compatible servers need it. */
  forcePathStyle?: boolean;
  /** Static credentials; the SDK's default chain (environment, profile, instance role) when omitted. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Multipart part size in bytes, at least 5 MiB (default 8 MiB). Bodies up to this size use one PutObject. */
  partSize?: number;
  /** Parts uploaded at once (default 4); memory in flight is about `partSize * queueSize`. */
  queueSize?: number;
}

const S3_URI: BucketUriScheme = {
  protocol: "s3:",
  name: "S3",
  hint: "Use s3://bucket/prefix, optionally with ?endpoint=URL&forcePathStyle=true&region=NAME.",
};
/** CopyObject refuses sources above 5 GiB; such objects keep their sha256 only in the PutResult. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;
const MiB = 1024 * 1024;

/**
 * Opens a blob store on S3 or any S3-compatible server.
 *
 * Bodies up to `partSize` go up in one PutObject with their sha256 in the object's user metadata.
 * Larger or unknown-size bodies stream through a multipart upload (`@aws-sdk/lib-storage`) and, once
 * complete, are copied onto themselves to record the sha256, which is only known at the end; `head`
 * omits `sha256` in the moment between the two and for objects over 5 GiB (CopyObject's limit).
 * An aborted or failed multipart upload is aborted on the server, so no partial object appears.
 *
 * `ifNoneMatch` sends `If-None-Match: *` on PutObject and CompleteMultipartUpload, which AWS (since
 * 2024), MinIO, R2 and moto enforce. A server that ignores the header would overwrite silently: check
 * yours before relying on it.
 *
 * Metadata keys come back lowercased and values must be US-ASCII (they travel as HTTP headers).
 *
 * @param target `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&forcePathStyle=true&region=eu-west-1`,
 * or the options themselves.
 * @throws BallastError `CONFIG_INVALID` for a URI that is not `s3://bucket[/prefix]`.
 *
 * @example
 * await using store = await createS3BlobStore("s3://ml-artifacts/team-a");
 * await store.put("runs/42/model.onnx", createReadStream("model.onnx"));
 */
export async function createS3BlobStore(
  target: string | S3BlobStoreOptions,
  options: Omit<S3BlobStoreOptions, "bucket" | "prefix"> = {},
): Promise<BlobStore> {
  const resolved =
    typeof target === "string" ? { ...parseS3Uri(target), ...options } : { ...target, ...options };
  return new S3BlobStore(resolved);
}

/**
 * Parses `s3://bucket/prefix?endpoint=...&forcePathStyle=true&region=...` into options.
 *
 * @throws BallastError `CONFIG_INVALID` when the scheme is not `s3:` or the bucket is missing.
 */
export function parseS3Uri(uri: string): S3BlobStoreOptions {
  const { bucket, prefix, query } = parseBucketUri(uri, S3_URI);
  const options: S3BlobStoreOptions = { bucket, prefix };
  const endpoint = query.get("endpoint");
  const region = query.get("region");
  const pathStyle = query.get("forcePathStyle");
  if (endpoint) options.endpoint = endpoint;
  if (region) options.region = region;
  if (pathStyle !== null)
    options.forcePathStyle = pathStyle === "" || pathStyle === "true" || pathStyle === "1";
  return options;
}

class S3BlobStore implements BlobStore {
  readonly specificationVersion = "v1";
  readonly uri: string;
  readonly #client: S3ClientLike;
  readonly #ownsClient: boolean;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #partSize: number;
  readonly #queueSize: number;
  #closed = false;

  constructor(options: S3BlobStoreOptions) {
    const { uri, keyPrefix } = bucketLocation(S3_URI.protocol, options.bucket, options.prefix);
    this.#bucket = options.bucket;
    this.#prefix = keyPrefix;
    this.uri = uri;
    this.#partSize = Math.max(options.partSize ?? 8 * MiB, 5 * MiB);
    this.#queueSize = options.queueSize ?? 4;
    this.#ownsClient = options.client === undefined;
    this.#client =
      options.client ??
      new S3Client({
        region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      });
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    this.#checkKey(key);
    const { signal } = options;
    if (signal?.aborted) throw blobAborted(this.uri, key, signal.reason);
    const userMetadata = options.metadata ?? {};
    const common = {
      Bucket: this.#bucket,
      Key: this.#prefix + key,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
    };
    try {
      const sized = await sizeBody(body, this.#partSize);
      if (sized.small) {
        const sha256 = ContentDigest.hexOf(sized.bytes);
        const command = new PutObjectCommand({
          ...common,
          Body: sized.bytes,
          ContentLength: sized.bytes.byteLength,
          Metadata: { ...userMetadata, [SHA256_METADATA_KEY]: sha256 },
        });
        await this.#client.send(command, signal ? { abortSignal: signal } : {});
        return { key, size: sized.bytes.byteLength, sha256 };
      }

      const digest = new ContentDigest();
      const { chunks } = sized;
      async function* checked(): AsyncGenerator<Uint8Array> {
        for await (const chunk of digest.tap(chunks)) {
          signal?.throwIfAborted();
          yield chunk;
        }
      }
      const abortController = new AbortController();
      const onAbort = () => abortController.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      let etag: string | undefined;
      try {
        const upload = new Upload({
          client: this.#client as unknown as S3Client,
          // highWaterMark 1: lib-storage buffers whole parts itself; a deeper stream buffer would only add memory.
          params: { ...common, Body: Readable.from(checked(), { highWaterMark: 1 }), Metadata: userMetadata },
          partSize: this.#partSize,
          queueSize: this.#queueSize,
          leavePartsOnError: false,
          abortController,
        });
        etag = (await upload.done()).ETag;
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
      const result = { key, size: digest.size, sha256: digest.hex() };
      if (etag !== undefined && result.size <= MAX_COPY_BYTES)
        await this.#recordSha256(key, etag, result.sha256, options);
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
    if (length === 0) {
      if ((await this.head(key)) === undefined) throw blobNotFound(this.uri, key);
      return emptyStream();
    }
    const range =
      offset === 0 && length === undefined
        ? {}
        : { Range: `bytes=${offset}-${length === undefined ? "" : offset + length - 1}` };
    try {
      const output = (await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key, ...range }),
        options.signal ? { abortSignal: options.signal } : {},
      )) as GetObjectCommandOutput;
      const stream = output.Body;
      if (stream instanceof Readable) return stream;
      if (stream === undefined) return emptyStream();
      return Readable.fromWeb(stream.transformToWebStream() as import("node:stream/web").ReadableStream);
    } catch (error) {
      if (status(error) === 404 && errorName(error) !== "NoSuchBucket")
        throw blobNotFound(this.uri, key, error);
      // 416: the range starts at or past the end; the object exists, so the clamped range is empty.
      if (status(error) === 416) return emptyStream();
      throw this.#error(`read "${key}"`, error, key);
    }
  }

  async getBytes(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    return readAll(await this.get(key, options));
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    this.#checkKey(key);
    let output: HeadObjectCommandOutput;
    try {
      output = (await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
      )) as HeadObjectCommandOutput;
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw this.#error(`head "${key}"`, error, key);
    }
    const { sha256, metadata } = readStoredMetadata(output.Metadata);
    const info: BlobInfo = {
      key,
      size: output.ContentLength ?? 0,
      lastModified: output.LastModified?.getTime() ?? 0,
    };
    if (sha256 !== undefined) info.sha256 = sha256;
    if (output.ContentType !== undefined) info.contentType = output.ContentType;
    if (metadata !== undefined) info.metadata = metadata;
    return info;
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    this.#checkOpen();
    const prefix = options.prefix ?? "";
    assertValidPrefix(prefix);
    let output: ListObjectsV2CommandOutput;
    try {
      output = (await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          MaxKeys: listLimit(options.limit),
          ...(options.cursor === undefined ? {} : { ContinuationToken: options.cursor }),
        }),
      )) as ListObjectsV2CommandOutput;
    } catch (error) {
      throw this.#error(`list "${prefix}"`, error);
    }
    const items: BlobInfo[] = (output.Contents ?? []).map((object) => ({
      key: (object.Key ?? "").slice(this.#prefix.length),
      size: object.Size ?? 0,
      lastModified: object.LastModified?.getTime() ?? 0,
    }));
    return output.IsTruncated && output.NextContinuationToken
      ? { items, cursor: output.NextContinuationToken }
      : { items };
  }

  async delete(key: string): Promise<void> {
    this.#checkKey(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
    } catch (error) {
      if (status(error) === 404) return;
      throw this.#error(`delete "${key}"`, error, key);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) this.#client.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Copies a just-completed multipart object onto itself with the sha256 added to its metadata.
   * `CopySourceIfMatch` pins the copy to the version this put wrote: if another writer replaced it
   * meanwhile (412), that newer object is theirs and is left alone.
   */
  async #recordSha256(key: string, etag: string, sha256: string, options: PutOptions): Promise<void> {
    const sourceKey = (this.#prefix + key).split("/").map(encodeURIComponent).join("/");
    try {
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
          CopySource: `${this.#bucket}/${sourceKey}`,
          CopySourceIfMatch: etag,
          MetadataDirective: "REPLACE",
          // Asks the server for a fresh whole-object checksum on the copy: moto otherwise carries the
          // multipart upload's composite CRC32 over as if it covered the whole object, and every
          // later GetObject then fails the SDK's checksum validation.
          ChecksumAlgorithm: "CRC32",
          Metadata: { ...options.metadata, [SHA256_METADATA_KEY]: sha256 },
          ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
        }),
      );
    } catch (error) {
      if (status(error) !== 412) throw sha256NotRecorded(this.uri, key, error);
    }
  }

  #error(action: string, error: unknown, key?: string): BallastError {
    if (BallastError.isInstance(error)) return error;
    const code = status(error);
    const retryable =
      (error as { $retryable?: unknown } | null)?.$retryable !== undefined ||
      code === undefined ||
      code === 409 ||
      code === 429 ||
      code >= 500;
    return blobStoreError(this.uri, action, error, {
      retryable,
      ...(key === undefined ? {} : { key }),
      ...(code === 501
        ? { hint: "This S3-compatible server does not implement the request (conditional writes?)." }
        : {}),
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

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}

/** HTTP status of an SDK error, when it has one. */
function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
