import { BallastError } from "../errors/ballast-error.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Builds the error for bytes that do not decode as `what`. */
export type CorruptBytesError = (what: string, problem: string, cause?: unknown) => BallastError;

/**
 * Reads what {@link ByteWriter} wrote (little-endian). Every read past the end, and any invalid
 * UTF-8, throws the `corrupt` error the reader was made with (default `BINARY_CORRUPT`), so
 * truncated input is never read as zeros and each format reports in its own words.
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #position = 0;

  constructor(
    bytes: Uint8Array,
    readonly what: string,
    readonly corrupt: CorruptBytesError = corruptBytes,
  ) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.#position;
  }

  get remaining(): number {
    return this.#bytes.length - this.#position;
  }

  #take(size: number): number {
    if (size < 0 || this.#position + size > this.#bytes.length) {
      throw this.corrupt(
        this.what,
        `needs ${size} more bytes at offset ${this.#position} but ${this.remaining} remain`,
      );
    }
    const at = this.#position;
    this.#position += size;
    return at;
  }

  u8(): number {
    return this.#view.getUint8(this.#take(1));
  }

  u16(): number {
    return this.#view.getUint16(this.#take(2), true);
  }

  u32(): number {
    return this.#view.getUint32(this.#take(4), true);
  }

  i64(): bigint {
    return this.#view.getBigInt64(this.#take(8), true);
  }

  f64(): number {
    return this.#view.getFloat64(this.#take(8), true);
  }

  f64s(count: number): Float64Array {
    const at = this.#take(count * 8);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = this.#view.getFloat64(at + i * 8, true);
    return out;
  }

  bytes(size: number): Uint8Array {
    const at = this.#take(size);
    return this.#bytes.subarray(at, at + size);
  }

  block(): Uint8Array {
    return this.bytes(this.u32());
  }

  string(): string {
    const bytes = this.block();
    try {
      return decoder.decode(bytes);
    } catch (error) {
      throw this.corrupt(this.what, "a string is not valid UTF-8", error);
    }
  }

  /** Throws unless every byte was read (trailing bytes mean a framing error). */
  end(): void {
    if (this.remaining !== 0) throw this.corrupt(this.what, `${this.remaining} unexpected trailing bytes`);
  }
}

/** The default {@link CorruptBytesError}: `BINARY_CORRUPT`. */
export function corruptBytes(what: string, problem: string, cause?: unknown): BallastError {
  return new BallastError("BINARY_CORRUPT", `Cannot read the ${what}: ${problem}.`, {
    hint: "The bytes were truncated or changed after they were written; write them again from their source.",
    cause,
  });
}
