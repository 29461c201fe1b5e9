/**
 * A schema-less codec for the Thrift compact protocol, the encoding of the Parquet footer.
 *
 * Decoding keeps every field with its wire type, so encoding the tree again reproduces the bytes
 * exactly, including fields this module knows nothing about. That is what lets the Parquet reader
 * and writer rewrite a few offsets in a footer written by any tool without losing the rest.
 */

/** Wire types of the compact protocol. Booleans in a struct carry their value in the type. */
export const ThriftType = {
  BOOL_TRUE: 1,
  BOOL_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

/** A decoded value: integers up to i32 as numbers, i64 as bigint, binaries as bytes. */
export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftList | ThriftMap | ThriftStruct;

/** A list or set: the element wire type is kept so an empty list encodes the same way back. */
export interface ThriftList {
  kind: "list";
  elementType: number;
  /** The elements; booleans in lists are kept as the byte written (1 or 2; some writers use 0). */
  items: ThriftValue[];
}

/** A map: key and value wire types are kept so an empty map encodes the same way back. */
export interface ThriftMap {
  kind: "map";
  keyType: number;
  valueType: number;
  entries: [ThriftValue, ThriftValue][];
}

/** One field of a struct: its id, its wire type and its value. */
export interface ThriftField {
  id: number;
  type: number;
  value: ThriftValue;
}

/** A struct: its fields in wire order. */
export interface ThriftStruct {
  kind: "struct";
  fields: ThriftField[];
}

/** Nesting deeper than this is not a Parquet footer; the limit keeps hostile input from blowing the stack. */
const MAX_DEPTH = 64;

/** Raised for malformed input; callers turn it into their own error with context (never thrown to users). */
export class ThriftDecodeError extends Error {
  override readonly name = "ThriftDecodeError";
}

/**
 * Decodes one struct from `bytes`, starting at `offset`.
 *
 * @throws ThriftDecodeError when the bytes end early or hold an unknown wire type.
 */
export function decodeThriftStruct(bytes: Uint8Array, offset = 0): { value: ThriftStruct; end: number } {
  const reader = new Reader(bytes, offset);
  const value = reader.struct(0);
  return { value, end: reader.pos };
}

/** Encodes a struct produced by {@link decodeThriftStruct} (or built by hand). */
export function encodeThriftStruct(value: ThriftStruct): Uint8Array {
  const writer = new Writer();
  writer.struct(value);
  return writer.finish();
}

class Reader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    offset: number,
  ) {
    this.pos = offset;
  }

  private byte(): number {
    if (this.pos >= this.bytes.length)
      throw new ThriftDecodeError(`unexpected end of data at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new ThriftDecodeError(`varint too long at byte ${this.pos}`);
    }
  }

  private smallVarint(): number {
    // Lengths and counts: a plain number loop is several times faster than the bigint one.
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 49) throw new ThriftDecodeError(`length varint too long at byte ${this.pos}`);
    }
    return result;
  }

  private zigzag32(): number {
    const n = this.smallVarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  private zigzag64(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  private length(): number {
    const n = this.smallVarint();
    if (n > this.bytes.length - this.pos) {
      throw new ThriftDecodeError(`length ${n} at byte ${this.pos} runs past the end of the data`);
    }
    return n;
  }

  value(type: number, depth: number, inContainer: boolean): ThriftValue {
    switch (type) {
      case ThriftType.BOOL_TRUE:
      case ThriftType.BOOL_FALSE:
        // In a struct the type is the value; in a container it is one byte of its own.
        return inContainer ? this.byte() : type === ThriftType.BOOL_TRUE;
      case ThriftType.BYTE: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case ThriftType.I16:
      case ThriftType.I32:
        return this.zigzag32();
      case ThriftType.I64:
        return this.zigzag64();
      case ThriftType.DOUBLE: {
        if (this.pos + 8 > this.bytes.length)
          throw new ThriftDecodeError(`double runs past the end at ${this.pos}`);
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
        this.pos += 8;
        return view.getFloat64(0, true);
      }
      case ThriftType.BINARY: {
        const n = this.length();
        const out = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return out;
      }
      case ThriftType.LIST:
      case ThriftType.SET:
        return this.list(depth + 1);
      case ThriftType.MAP:
        return this.map(depth + 1);
      case ThriftType.STRUCT:
        return this.struct(depth + 1);
      default:
        throw new ThriftDecodeError(`unknown wire type ${type} at byte ${this.pos}`);
    }
  }

  list(depth: number): ThriftList {
    if (depth > MAX_DEPTH) throw new ThriftDecodeError("nesting too deep");
    const header = this.byte();
    const elementType = header & 0x0f;
    let size = header >> 4;
    if (size === 15) size = this.smallVarint();
    // Each element takes at least one byte, so a larger count is corrupt, not just big.
    if (size > this.bytes.length - this.pos)
      throw new ThriftDecodeError(`list of ${size} items is longer than the data`);
    const items: ThriftValue[] = [];
    for (let i = 0; i < size; i++) items.push(this.value(elementType, depth, true));
    return { kind: "list", elementType, items };
  }

  map(depth: number): ThriftMap {
    if (depth > MAX_DEPTH) throw new ThriftDecodeError("nesting too deep");
    const size = this.smallVarint();
    if (size === 0) return { kind: "map", keyType: 0, valueType: 0, entries: [] };
    if (size > this.bytes.length - this.pos)
      throw new ThriftDecodeError(`map of ${size} entries is longer than the data`);
    const types = this.byte();
    const keyType = types >> 4;
    const valueType = types & 0x0f;
    const entries: [ThriftValue, ThriftValue][] = [];
    for (let i = 0; i < size; i++) {
      entries.push([this.value(keyType, depth, true), this.value(valueType, depth, true)]);
    }
    return { kind: "map", keyType, valueType, entries };
  }

  struct(depth: number): ThriftStruct {
    if (depth > MAX_DEPTH) throw new ThriftDecodeError("nesting too deep");
    const fields: ThriftField[] = [];
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return { kind: "struct", fields };
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag32() : lastId + delta;
      lastId = id;
      fields.push({ id, type, value: this.value(type, depth, false) });
    }
  }
}

class Writer {
  private buffer = new Uint8Array(1024);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.pos + n));
    next.set(this.buffer.subarray(0, this.pos));
    this.buffer = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buffer[this.pos++] = b & 0xff;
  }

  private varint(value: bigint): void {
    let n = value;
    for (;;) {
      if (n < 0x80n) {
        this.byte(Number(n));
        return;
      }
      this.byte(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
  }

  private zigzag32(n: number): void {
    this.varint(BigInt(n >= 0 ? n * 2 : -n * 2 - 1));
  }

  private zigzag64(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }

  private bytes(b: Uint8Array): void {
    this.varint(BigInt(b.length));
    this.ensure(b.length);
    this.buffer.set(b, this.pos);
    this.pos += b.length;
  }

  value(type: number, value: ThriftValue, inContainer: boolean): void {
    switch (type) {
      case ThriftType.BOOL_TRUE:
      case ThriftType.BOOL_FALSE:
        // In a struct the value went into the field header already.
        if (inContainer) this.byte(typeof value === "number" ? value : value === true ? 1 : 2);
        return;
      case ThriftType.BYTE:
        this.byte(expectNumber(value));
        return;
      case ThriftType.I16:
      case ThriftType.I32:
        this.zigzag32(expectNumber(value));
        return;
      case ThriftType.I64:
        this.zigzag64(typeof value === "bigint" ? value : BigInt(expectNumber(value)));
        return;
      case ThriftType.DOUBLE: {
        this.ensure(8);
        new DataView(this.buffer.buffer, this.pos, 8).setFloat64(0, expectNumber(value), true);
        this.pos += 8;
        return;
      }
      case ThriftType.BINARY:
        if (!(value instanceof Uint8Array)) throw new TypeError("thrift binary field needs a Uint8Array");
        this.bytes(value);
        return;
      case ThriftType.LIST:
      case ThriftType.SET:
        this.list(expectKind(value, "list"));
        return;
      case ThriftType.MAP:
        this.map(expectKind(value, "map"));
        return;
      case ThriftType.STRUCT:
        this.struct(expectKind(value, "struct"));
        return;
      default:
        throw new TypeError(`unknown thrift wire type ${type}`);
    }
  }

  list(list: ThriftList): void {
    const size = list.items.length;
    if (size < 15) this.byte((size << 4) | list.elementType);
    else {
      this.byte(0xf0 | list.elementType);
      this.varint(BigInt(size));
    }
    for (const item of list.items) this.value(list.elementType, item, true);
  }

  map(map: ThriftMap): void {
    this.varint(BigInt(map.entries.length));
    if (map.entries.length === 0) return;
    this.byte((map.keyType << 4) | map.valueType);
    for (const [k, v] of map.entries) {
      this.value(map.keyType, k, true);
      this.value(map.valueType, v, true);
    }
  }

  struct(struct: ThriftStruct): void {
    let lastId = 0;
    for (const field of struct.fields) {
      let type = field.type;
      if (type === ThriftType.BOOL_TRUE || type === ThriftType.BOOL_FALSE) {
        type = field.value === true ? ThriftType.BOOL_TRUE : ThriftType.BOOL_FALSE;
      }
      const delta = field.id - lastId;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.zigzag32(field.id);
      }
      lastId = field.id;
      this.value(type, field.value, false);
    }
    this.byte(0);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.pos);
  }
}

function expectNumber(value: ThriftValue): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new TypeError("thrift integer field needs a number");
}

function expectKind<K extends "list" | "map" | "struct">(
  value: ThriftValue,
  kind: K,
): Extract<ThriftValue, { kind: K }> {
  if (typeof value === "object" && value !== null && "kind" in value && value.kind === kind) {
    return value as Extract<ThriftValue, { kind: K }>;
  }
  throw new TypeError(`thrift field needs a ${kind}`);
}

/** The first field with `id`, if any. */
export function thriftField(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.fields.find((field) => field.id === id);
}

/** A copy of `struct` with field `id` replaced (or added in id order), or removed when `field` is undefined. */
export function withThriftField(
  struct: ThriftStruct,
  id: number,
  field: Omit<ThriftField, "id"> | undefined,
): ThriftStruct {
  const fields = struct.fields.filter((f) => f.id !== id);
  if (field) fields.push({ id, ...field });
  fields.sort((a, b) => a.id - b.id);
  return { kind: "struct", fields };
}
