import { BallastError } from "../errors/ballast-error.js";

/** Where a sketch's `writeTo` puts its bytes (little-endian), e.g. a larger record's writer. */
export interface ByteSink {
  u8(value: number): void;
  u32(value: number): void;
  bytes(value: Uint8Array): void;
}

/** Where a sketch's `readFrom` takes its bytes; it throws when asked for more than it has. */
export interface ByteSource {
  u8(): number;
  u32(): number;
  bytes(length: number): Uint8Array;
}

/** A little-endian writer into a buffer of a known upper size (for `serialize`). */
export class FixedWriter implements ByteSink {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #length = 0;

  constructor(capacity: number) {
    this.#bytes = new Uint8Array(capacity);
    this.#view = new DataView(this.#bytes.buffer);
  }

  u8(value: number): void {
    this.#view.setUint8(this.#length, value);
    this.#length += 1;
  }

  u32(value: number): void {
    this.#view.setUint32(this.#length, value, true);
    this.#length += 4;
  }

  bytes(value: Uint8Array): void {
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** A little-endian reader that fails with `SKETCH_CORRUPT` instead of reading past the end. */
export class BoundedReader implements ByteSource {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #position = 0;

  constructor(
    bytes: Uint8Array,
    readonly what: string,
  ) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.#bytes.length - this.#position;
  }

  #take(size: number): number {
    if (this.#position + size > this.#bytes.length)
      throw corruptSketch(
        this.what,
        `needs ${size} more bytes at offset ${this.#position} but ${this.remaining} remain`,
      );
    const at = this.#position;
    this.#position += size;
    return at;
  }

  u8(): number {
    return this.#view.getUint8(this.#take(1));
  }

  u32(): number {
    return this.#view.getUint32(this.#take(4), true);
  }

  bytes(length: number): Uint8Array {
    const at = this.#take(length);
    return this.#bytes.subarray(at, at + length);
  }
}

/** The error for sketch bytes that do not decode as `what`. */
export function corruptSketch(what: string, problem: string): BallastError {
  return new BallastError("SKETCH_CORRUPT", `Cannot read the ${what}: ${problem}.`, {
    hint: "The bytes were truncated or changed after serialize(); serialize the sketch again from its source.",
  });
}
