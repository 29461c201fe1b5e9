/**
 * Content-addressed storage: bytes live once under `contentKey(sha256)`, however many runs log them.
 *
 * The blob store's interface has no server-side copy, so "write somewhere, then move to the digest's
 * key" means uploading twice. Each kind of body takes the cheapest correct route instead:
 *
 * - bytes in memory (and streams that end within {@link SMALL_CONTENT_BYTES}): hashed in memory, then
 *   one put-if-absent at the final key; nothing is uploaded when the key already exists.
 * - a local file: hashed in one local read pass, then streamed once with put-if-absent. The put
 *   hashes again on the way; if the file changed in between, the mis-addressed object is deleted and
 *   the call fails with `ARTIFACT_SOURCE_CHANGED`.
 * - a large stream (readable only once): streamed to `staging/<uuid>` while the store computes its
 *   sha256, then re-streamed from staging to the final key (skipped when the content already exists)
 *   and the staging object deleted. Only this case pays the second transfer.
 *
 * Identical content written concurrently is safe: put-if-absent lets exactly one writer create the
 * object, and the others see `BLOB_ALREADY_EXISTS`, which means "already stored".
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { BallastError, newId } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import { artifactSourceChanged } from "./artifact-errors.js";
import { contentKey } from "./content-key.js";
import { verifyContentBytes, verifyContentStream } from "./content-verification.js";
import { hashFile } from "./file-digest.js";

/** Streams shorter than this are hashed in memory instead of staged (8 MiB). */
export const SMALL_CONTENT_BYTES = 8 * 1024 * 1024;

/** Prefix of the temporary objects large streams are staged under. Safe to delete when older than a day. */
export const STAGING_PREFIX = "staging/";

/**
 * Bytes to store by content: bytes in memory, UTF-8 text, a local file, or a stream read once.
 */
export type ContentBody =
  | Uint8Array
  | { text: string }
  | { file: string }
  | { stream: Readable | AsyncIterable<Uint8Array | string> };

/** What {@link putContent} stored. */
export interface PutContentResult {
  /** Hex sha256 of the content: its address. */
  sha256: string;
  size: number;
  /** True when this call created the object; false when identical content was already stored. */
  created: boolean;
}

/** Options of {@link putContent}. */
export interface PutContentOptions {
  /** Aborting stops the upload; no object is left at the content key (a staging object is removed). */
  signal?: AbortSignal;
}

/**
 * Stores bytes under their sha256 in the context's blob store, once per distinct content.
 *
 * A failure leaves no object at the content key (the store never shows partial objects); an
 * orphaned `staging/` object can remain only if the process dies mid-call.
 *
 * @throws BallastError `ARTIFACT_SOURCE_CHANGED` when a file changes while it is stored; the store's
 *   `ABORTED` and `BLOB_STORE_ERROR`; file system errors for an unreadable file.
 * @example
 * const { sha256 } = await putContent(ctx, { file: "model.onnx" });
 * const again = await putContent(ctx, await readFile("model.onnx")); // again.created === false
 */
export async function putContent(
  ctx: TrackingContext,
  body: ContentBody,
  options: PutContentOptions = {},
): Promise<PutContentResult> {
  if (body instanceof Uint8Array) return putBytes(ctx, body, options);
  if ("text" in body) return putBytes(ctx, Buffer.from(body.text, "utf8"), options);
  if ("file" in body) {
    const { sha256, size } = await hashFile(body.file, options.signal);
    const created = await placeContent(
      ctx,
      sha256,
      () => createReadStream(body.file),
      options,
      (actual) => artifactSourceChanged(body.file, sha256, actual),
    );
    return { sha256, size, created };
  }
  return putStream(ctx, body.stream, options);
}

/**
 * Streams stored content, checking its sha256 as it passes: the stream fails with `ARTIFACT_CORRUPT`
 * at its end if the stored bytes were altered.
 *
 * @throws BallastError `BLOB_NOT_FOUND` when no content has this sha256; `TypeError` for a malformed digest.
 * @example
 * const stream = await openContent(ctx, entry.sha256);
 */
export async function openContent(
  ctx: TrackingContext,
  sha256: string,
  options: { signal?: AbortSignal } = {},
): Promise<Readable> {
  const source = await ctx.blobs.get(contentKey(sha256), options);
  return verifyContentStream(source, sha256);
}

/**
 * Reads stored content into memory, checked against its sha256.
 *
 * @throws BallastError `BLOB_NOT_FOUND`; `ARTIFACT_CORRUPT` when the stored bytes were altered.
 */
export async function readContent(
  ctx: TrackingContext,
  sha256: string,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const bytes = await ctx.blobs.getBytes(contentKey(sha256), options);
  verifyContentBytes(bytes, sha256);
  return bytes;
}

/**
 * Whether content with this sha256 is in the blob store. The blob store is shared by every workspace
 * that uses it, so this answers for the store, not for one workspace's artifacts.
 */
export async function contentExists(ctx: TrackingContext, sha256: string): Promise<boolean> {
  return (await ctx.blobs.head(contentKey(sha256))) !== undefined;
}

async function putBytes(
  ctx: TrackingContext,
  bytes: Uint8Array,
  options: PutContentOptions,
): Promise<PutContentResult> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const created = await placeContent(
    ctx,
    sha256,
    () => bytes,
    options,
    (actual) => {
      // Bytes in memory cannot change under us unless the caller mutates the buffer during the call.
      return new BallastError("ARTIFACT_SOURCE_CHANGED", `Buffer changed while it was stored (${actual}).`, {
        hint: "Do not modify the buffer until logArtifact resolves.",
      });
    },
  );
  return { sha256, size: bytes.byteLength, created };
}

async function putStream(
  ctx: TrackingContext,
  stream: Readable | AsyncIterable<Uint8Array | string>,
  options: PutContentOptions,
): Promise<PutContentResult> {
  const iterator = (stream as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  // Read ahead up to the threshold: a stream that ends by then is hashed in memory, not staged.
  while (headBytes < SMALL_CONTENT_BYTES) {
    options.signal?.throwIfAborted();
    const next = await iterator.next();
    if (next.done) return putBytes(ctx, Buffer.concat(head), options);
    const chunk = typeof next.value === "string" ? Buffer.from(next.value, "utf8") : Buffer.from(next.value);
    head.push(chunk);
    headBytes += chunk.byteLength;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* head.splice(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield typeof next.value === "string" ? Buffer.from(next.value, "utf8") : next.value;
  }
  const stagingKey = `${STAGING_PREFIX}${newId()}`;
  try {
    const staged = await ctx.blobs.put(stagingKey, replay(), putOptions(options));
    const created = await placeContent(
      ctx,
      staged.sha256,
      () => ctx.blobs.get(stagingKey, putOptions(options)),
      options,
      (actual) =>
        new BallastError("BLOB_STORE_ERROR", `Staged object ${stagingKey} read back as ${actual}.`, {
          retryable: true,
          details: { key: stagingKey, expectedSha256: staged.sha256, actualSha256: actual },
        }),
    );
    return { sha256: staged.sha256, size: staged.size, created };
  } finally {
    await ctx.blobs.delete(stagingKey);
  }
}

/**
 * Puts `body()` at the content key unless it is already there. `head` first, so content that exists
 * costs one request instead of a whole upload; put-if-absent then settles races between writers. The
 * put recomputes the digest; a mismatch means the source changed, and the object just created under
 * the wrong address is deleted before failing with `mismatch(actual)`.
 */
async function placeContent(
  ctx: TrackingContext,
  sha256: string,
  body: () => Uint8Array | Readable | Promise<Readable>,
  options: PutContentOptions,
  mismatch: (actual: string) => BallastError,
): Promise<boolean> {
  const key = contentKey(sha256);
  if (await ctx.blobs.head(key)) return false;
  try {
    const result = await ctx.blobs.put(key, await body(), { ...putOptions(options), ifNoneMatch: true });
    if (result.sha256 !== sha256) {
      await ctx.blobs.delete(key);
      throw mismatch(result.sha256);
    }
    return true;
  } catch (error) {
    if (BallastError.isInstance(error, "BLOB_ALREADY_EXISTS")) return false;
    throw error;
  }
}

function putOptions(options: PutContentOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}
