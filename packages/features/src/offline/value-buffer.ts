import { type LogicalType, toArrowType } from "@ballast/core";
import {
  Vector as ArrowVector,
  type Data,
  makeData,
  makeVector,
  type Vector,
  vectorFromArray,
} from "apache-arrow";

type Kind = "f64" | "f32" | "i32" | "i64" | "bool" | "js";

function kindOf(type: LogicalType): Kind {
  switch (type) {
    case "float64":
      return "f64";
    case "float32":
      return "f32";
    case "int32":
      return "i32";
    case "int64":
    case "timestamp":
      return "i64";
    case "bool":
      return "bool";
    default:
      return "js";
  }
}

/** A page of one kind's values; every page but the last is full. */
type Page = Float64Array | Float32Array | Int32Array | BigInt64Array | Uint8Array | unknown[];

function allocate(kind: Kind, capacity: number): Page {
  switch (kind) {
    case "f64":
      return new Float64Array(capacity);
    case "f32":
      return new Float32Array(capacity);
    case "i32":
      return new Int32Array(capacity);
    case "i64":
      return new BigInt64Array(capacity);
    case "bool":
      return new Uint8Array(capacity);
    case "js":
      return new Array<unknown>(capacity);
  }
}

/** Rows per page: growing by whole pages never copies what is stored. */
const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

/**
 * The values of one column of the rows a join keeps, in pages of plain typed arrays (one slot per
 * row and a validity byte), so a kept row costs its value's width and nothing else: no Arrow record
 * batch, no object per row, no copy when the buffer grows. Strings, bytes and lists, which have no
 * fixed width, are kept as JS values.
 */
export class ValueBuffer {
  readonly type: LogicalType;
  private readonly kind: Kind;
  private readonly pages: Page[] = [];
  private readonly valid: Uint8Array[] = [];
  length = 0;

  constructor(type: LogicalType) {
    this.type = type;
    this.kind = kindOf(type);
  }

  /** Makes slots 0..capacity-1 writable. */
  reserve(capacity: number): void {
    while (this.pages.length * PAGE < capacity) {
      this.pages.push(allocate(this.kind, PAGE));
      this.valid.push(new Uint8Array(PAGE));
    }
  }

  /** Appends rows `rows[0..count)` of `data` (indexes into that chunk). */
  append(data: Data, rows: Int32Array, count: number): void {
    this.reserve(this.length + count);
    this.copy(data, rows, null, count, this.length);
    this.length += count;
  }

  /** Appends every row of `data`. */
  appendAll(data: Data): void {
    const count = data.length;
    this.reserve(this.length + count);
    if (this.kind === "bool" || this.kind === "js") {
      const rows = new Int32Array(count);
      for (let i = 0; i < count; i++) rows[i] = i;
      this.copy(data, rows, null, count, this.length);
    } else {
      const source = data.values as Float64Array;
      const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
      const offset = data.offset;
      let done = 0;
      while (done < count) {
        const slot = this.length + done;
        const page = slot >>> PAGE_BITS;
        const at = slot & PAGE_MASK;
        const n = Math.min(count - done, PAGE - at);
        (this.pages[page] as Float64Array).set(source.subarray(done, done + n), at);
        const valid = this.valid[page]!;
        if (bitmap) {
          for (let i = 0; i < n; i++) {
            const bit = offset + done + i;
            valid[at + i] = (bitmap[bit >> 3]! >> (bit & 7)) & 1;
          }
        } else valid.fill(1, at, at + n);
        done += n;
      }
    }
    this.length += count;
  }

  /** Writes row `rows[i]` of `data` to slot `slots[i]`, for i < count; slots must exist (see reserve). */
  scatter(data: Data, rows: Int32Array, slots: Int32Array, count: number): void {
    this.copy(data, rows, slots, count, 0);
  }

  private copy(data: Data, rows: Int32Array, slots: Int32Array | null, count: number, base: number): void {
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    const offset = data.offset;
    const { pages, valid } = this;
    const vector = this.kind === "js" ? new ArrowVector([data]) : undefined;
    const bits = data.values as Uint8Array;
    const source = data.values as Float64Array;
    for (let i = 0; i < count; i++) {
      const slot = slots ? slots[i]! : base + i;
      const page = slot >>> PAGE_BITS;
      const at = slot & PAGE_MASK;
      const row = rows[i]!;
      if (bitmap) {
        const bit = offset + row;
        valid[page]![at] = (bitmap[bit >> 3]! >> (bit & 7)) & 1;
      } else valid[page]![at] = 1;
      if (this.kind === "bool") {
        const bit = offset + row;
        (pages[page] as Uint8Array)[at] = (bits[bit >> 3]! >> (bit & 7)) & 1;
      } else if (vector) {
        (pages[page] as unknown[])[at] = plainValue(vector.get(row));
      } else {
        (pages[page] as Float64Array)[at] = source[row]!;
      }
    }
  }

  /** A new buffer holding slots `indices[0..count)` of this one, in that order. */
  gather(indices: Int32Array, count: number): ValueBuffer {
    const out = new ValueBuffer(this.type);
    out.reserve(count);
    const { pages, valid } = this;
    for (let i = 0; i < count; i++) {
      const from = indices[i]!;
      const page = from >>> PAGE_BITS;
      const at = from & PAGE_MASK;
      const toPage = i >>> PAGE_BITS;
      const to = i & PAGE_MASK;
      (out.pages[toPage] as Float64Array)[to] = (pages[page] as Float64Array)[at]!;
      out.valid[toPage]![to] = valid[page]![at]!;
    }
    out.length = count;
    return out;
  }

  /** A vector with one row per entry of `indices`: slot `indices[i]`, or null where it is negative. */
  build(indices: Int32Array): Vector {
    const length = indices.length;
    const arrowType = toArrowType(this.type);
    const { pages, valid } = this;
    if (this.kind === "js") {
      const values = new Array<unknown>(length);
      for (let i = 0; i < length; i++) {
        const from = indices[i]!;
        values[i] =
          from >= 0 && valid[from >>> PAGE_BITS]![from & PAGE_MASK]
            ? (pages[from >>> PAGE_BITS] as unknown[])[from & PAGE_MASK]
            : null;
      }
      return vectorFromArray(values, arrowType) as Vector;
    }
    const bitmap = new Uint8Array((length + 7) >> 3);
    let nullCount = 0;
    const isBool = this.kind === "bool";
    const target = isBool ? new Uint8Array((length + 7) >> 3) : allocate(this.kind, length);
    for (let i = 0; i < length; i++) {
      const from = indices[i]!;
      const page = from >>> PAGE_BITS;
      const at = from & PAGE_MASK;
      if (from < 0 || valid[page]![at] === 0) {
        nullCount++;
        continue;
      }
      bitmap[i >> 3]! |= 1 << (i & 7);
      if (isBool) {
        if ((pages[page] as Uint8Array)[at]) (target as Uint8Array)[i >> 3]! |= 1 << (i & 7);
      } else (target as Float64Array)[i] = (pages[page] as Float64Array)[at]!;
    }
    const data = makeData({
      type: arrowType,
      length,
      nullCount,
      nullBitmap: nullCount > 0 ? bitmap : null,
      data: target,
    } as never);
    return makeVector(data as Data) as Vector;
  }
}

/** Arrow values as plain JS: lists become arrays, bytes are copied out of the batch's buffer. */
function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return value.slice();
  if (value instanceof ArrowVector) return Array.from(value as Iterable<unknown>, plainValue);
  return value;
}
