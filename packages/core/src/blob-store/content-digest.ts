import { createHash, type Hash } from "node:crypto";

/**
 * Running sha256 and byte count of a body as it streams past, so a store can report both without
 * holding the body in memory.
 */
export class ContentDigest {
  /** Hex sha256 of a body already whole in memory, for the single-request write path. */
  static hexOf(bytes: Uint8Array): string {
    const digest = new ContentDigest();
    digest.update(bytes);
    return digest.hex();
  }

  #hash: Hash = createHash("sha256");
  #size = 0;

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  /** Feeds one chunk. */
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#size += chunk.byteLength;
  }

  /** Hex digest of everything fed; call once, after the last chunk. */
  hex(): string {
    return this.#hash.digest("hex");
  }

  /** Yields `chunks` unchanged while feeding each one to this digest. */
  async *tap(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      this.update(chunk);
      yield chunk;
    }
  }
}
