import { Readable } from "node:stream";
import type { BlobBody } from "./types.js";

/**
 * The chunks of a put body, whatever form it came in. A `Readable` with an encoding set yields
 * strings, so every chunk is normalised to bytes here rather than in each store.
 */
export async function* bodyChunks(body: BlobBody): AsyncGenerator<Uint8Array> {
  if (typeof body === "string") {
    yield Buffer.from(body, "utf8");
    return;
  }
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
  }
}

/** The bytes of a body that is already in memory, or undefined for a stream. */
export function inMemoryBody(body: BlobBody): Uint8Array | undefined {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return body;
  return undefined;
}

/** Reads a stream to its end into one buffer: for `getBytes`, meant for small objects. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(
      typeof chunk === "string"
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
  return Buffer.concat(chunks);
}

/** A stream with no bytes, for empty ranges. */
export function emptyStream(): Readable {
  return Readable.from([]);
}

/** A body sorted by size: whole in memory when small, else a stream that still starts at byte 0. */
export type SizedBody =
  | { small: true; bytes: Uint8Array }
  | { small: false; chunks: AsyncIterable<Uint8Array> };

/**
 * Reads at most `threshold` bytes of a body to learn whether it is small. Remote stores use a single
 * request, with the sha256 known up front, for small bodies and a streamed (multipart or resumable)
 * upload for the rest; a stream's size is unknown until it ends, so this is the only way to tell
 * without buffering it all.
 */
export async function sizeBody(body: BlobBody, threshold: number): Promise<SizedBody> {
  const whole = inMemoryBody(body);
  if (whole)
    return whole.byteLength <= threshold
      ? { small: true, bytes: whole }
      : { small: false, chunks: bodyChunks(whole) };
  const iterator = bodyChunks(body)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size <= threshold) {
    const next = await iterator.next();
    if (next.done) return { small: true, bytes: Buffer.concat(head) };
    head.push(next.value);
    size += next.value.byteLength;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* head.splice(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { small: false, chunks: replay() };
}
