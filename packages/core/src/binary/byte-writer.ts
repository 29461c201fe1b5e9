const encoder = new TextEncoder();

/** A growable little-endian byte buffer for binary formats (sketches, profiles); {@link ByteReader} reads it. */
export class ByteWriter {
  #bytes = new Uint8Array(256);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = next;
    this.#view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.#reserve(1);
    this.#view.setUint8(this.#length, value);
    this.#length += 1;
  }

  u16(value: number): void {
    this.#reserve(2);
    this.#view.setUint16(this.#length, value, true);
    this.#length += 2;
  }

  u32(value: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#length, value, true);
    this.#length += 4;
  }

  i64(value: bigint): void {
    this.#reserve(8);
    this.#view.setBigInt64(this.#length, value, true);
    this.#length += 8;
  }

  f64(value: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#length, value, true);
    this.#length += 8;
  }

  /** Writes the values as consecutive little-endian float64s. */
  f64s(values: Float64Array, start = 0, end = values.length): void {
    this.#reserve((end - start) * 8);
    for (let i = start; i < end; i++) {
      this.#view.setFloat64(this.#length, values[i]!, true);
      this.#length += 8;
    }
  }

  bytes(value: Uint8Array): void {
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
  }

  /** A u32 length, then the bytes. */
  block(value: Uint8Array): void {
    this.u32(value.length);
    this.bytes(value);
  }

  /** A u32 byte length, then UTF-8. */
  string(value: string): void {
    this.block(encoder.encode(value));
  }

  /** Overwrites a u32 at an earlier position. */
  patchU32(position: number, value: number): void {
    this.#view.setUint32(position, value, true);
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}
