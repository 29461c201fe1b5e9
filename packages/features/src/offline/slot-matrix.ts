import { type LogicalType, toArrowType } from "@ballast/core";
import { type Data, makeData, makeVector, type Vector } from "apache-arrow";

/** Fixed-width logical types a {@link SlotMatrix} holds; the others go to a `ValueBuffer`. */
export function isFixedWidth(type: LogicalType): boolean {
  return (
    type === "float64" ||
    type === "float32" ||
    type === "int32" ||
    type === "int64" ||
    type === "timestamp" ||
    type === "bool"
  );
}

/**
 * The fixed-width feature values of a join's slots, row-major in one Float64Array: a slot's values
 * sit side by side (64-bit integers as their two 32-bit words, through an Int32Array view of the
 * same memory), so copying a winning row touches one or two cache lines, not one per feature.
 * Validity is tracked only once a null value arrives.
 */
export class SlotMatrix {
  readonly types: readonly LogicalType[];
  private readonly stride: number;
  private readonly cells: Float64Array;
  private readonly allFloat64: boolean;
  private readonly count: number;
  private readonly words: Int32Array;
  private valid: Uint8Array | undefined;

  constructor(types: readonly LogicalType[], slots: number) {
    this.types = types;
    this.count = types.length;
    this.stride = types.length;
    this.cells = new Float64Array(slots * this.stride);
    this.words = new Int32Array(this.cells.buffer);
    this.allFloat64 = types.every((type) => type === "float64");
  }

  /** Copies row `rows[i]` of the feature chunks `columns` (one per type) to slot `slots[i]`, for i < count. */
  scatter(columns: readonly Data[], rows: Int32Array, slots: Int32Array, count: number): void {
    const stride = this.stride;
    const cells = this.cells;
    for (let f = 0; f < this.count; f++) {
      const data = columns[f]!;
      const type = this.types[f]!;
      if (type === "int64" || type === "timestamp") {
        const source = data.values as BigInt64Array;
        const sourceWords = new Int32Array(source.buffer, source.byteOffset, data.length * 2);
        const words = this.words;
        for (let i = 0; i < count; i++) {
          const cell = (slots[i]! * stride + f) * 2;
          const row = rows[i]! * 2;
          words[cell] = sourceWords[row]!;
          words[cell + 1] = sourceWords[row + 1]!;
        }
      } else if (type === "bool") {
        const bits = data.values as Uint8Array;
        const offset = data.offset;
        for (let i = 0; i < count; i++) {
          const bit = offset + rows[i]!;
          cells[slots[i]! * stride + f] = (bits[bit >> 3]! >> (bit & 7)) & 1;
        }
      } else {
        const source = data.values as Float64Array;
        for (let i = 0; i < count; i++) cells[slots[i]! * stride + f] = source[rows[i]!]!;
      }
      this.copyValidity(data, f, rows, slots, count);
    }
  }

  private copyValidity(data: Data, f: number, rows: Int32Array, slots: Int32Array, count: number): void {
    const width = this.count;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    if (!bitmap) {
      if (this.valid) for (let i = 0; i < count; i++) this.valid[slots[i]! * width + f] = 1;
      return;
    }
    // Every value written before the first null was valid.
    this.valid ??= new Uint8Array((this.cells.length / this.stride) * width).fill(1);
    const valid = this.valid;
    const offset = data.offset;
    for (let i = 0; i < count; i++) {
      const bit = offset + rows[i]!;
      valid[slots[i]! * width + f] = (bitmap[bit >> 3]! >> (bit & 7)) & 1;
    }
  }

  /** Every feature as a vector with one row per entry of `winners`: that slot's value, or null where negative. */
  buildAll(winners: Int32Array): Vector[] {
    const stride = this.stride;
    const width = this.count;
    const length = winners.length;
    const cells = this.cells;
    const words = this.words;
    const outputs = this.types.map((type) => {
      if (type === "int64" || type === "timestamp") return new BigInt64Array(length);
      if (type === "float32") return new Float32Array(length);
      if (type === "int32") return new Int32Array(length);
      return new Float64Array(length); // float64, and bool before bit packing
    });
    const wordOutputs = outputs.map((out) =>
      out instanceof BigInt64Array ? new Int32Array(out.buffer) : undefined,
    );
    let missing = 0;
    // One pass over the slots, row-major, writing every output column sequentially.
    for (let i = 0; i < length; i++) {
      const slot = winners[i]!;
      if (slot < 0) {
        missing++;
        continue;
      }
      const base = slot * stride;
      if (this.allFloat64) {
        for (let f = 0; f < width; f++) (outputs[f] as Float64Array)[i] = cells[base + f]!;
        continue;
      }
      for (let f = 0; f < width; f++) {
        const outWords = wordOutputs[f];
        if (outWords) {
          outWords[2 * i] = words[2 * (base + f)]!;
          outWords[2 * i + 1] = words[2 * (base + f) + 1]!;
        } else (outputs[f] as Float64Array)[i] = cells[base + f]!;
      }
    }
    return this.types.map((type, f) => {
      let nullCount = missing;
      let bitmap: Uint8Array | null = null;
      if (missing > 0 || this.valid) {
        bitmap = new Uint8Array((length + 7) >> 3);
        nullCount = 0;
        const valid = this.valid;
        for (let i = 0; i < length; i++) {
          const slot = winners[i]!;
          if (slot < 0 || (valid !== undefined && valid[slot * width + f] === 0)) nullCount++;
          else bitmap[i >> 3]! |= 1 << (i & 7);
        }
        if (nullCount === 0) bitmap = null;
      }
      let values: ArrayBufferView = outputs[f]!;
      if (type === "bool") {
        const bytes = outputs[f] as Float64Array;
        const bits = new Uint8Array((length + 7) >> 3);
        for (let i = 0; i < length; i++) if (bytes[i]) bits[i >> 3]! |= 1 << (i & 7);
        values = bits;
      }
      const data = makeData({
        type: toArrowType(type),
        length,
        nullCount,
        nullBitmap: bitmap,
        data: values,
      } as never);
      return makeVector(data as Data) as Vector;
    });
  }
}
