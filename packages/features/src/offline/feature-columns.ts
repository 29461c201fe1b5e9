import { type LogicalType, toArrowType } from "@ballast/core";
import { type Data, makeData, makeVector, type Vector } from "apache-arrow";

type Column = Float64Array | Float32Array | Int32Array | BigInt64Array | Uint8Array;

function allocate(type: LogicalType, rows: number): Column {
  switch (type) {
    case "float32":
      return new Float32Array(rows);
    case "int32":
      return new Int32Array(rows);
    case "int64":
    case "timestamp":
      return new BigInt64Array(rows);
    case "bool":
      return new Uint8Array(rows); // one byte per row until build packs the bits
    default:
      return new Float64Array(rows);
  }
}

/**
 * The fixed-width feature values of the second pass of a two-pass join, column-major: one output
 * array per feature, indexed by entity row. Each entity row receives at most one source row, so
 * values go straight to their final place and `build` wraps the arrays as vectors without a copy;
 * a feature's writes stay within its own array (a few MB) rather than striding over a row-major
 * matrix of every feature. A row is null until a non-null value is written to it.
 */
export class FeatureColumns {
  private readonly columns: Column[];
  private readonly written: Uint8Array[];

  constructor(
    readonly types: readonly LogicalType[],
    private readonly rows: number,
  ) {
    this.columns = types.map((type) => allocate(type, rows));
    this.written = types.map(() => new Uint8Array(rows));
  }

  /** Copies row `from[i]` of the chunks `data` (one per feature) to entity row `to[i]`, for i < count. */
  scatter(data: readonly Data[], from: Int32Array, to: Int32Array, count: number): void {
    for (let f = 0; f < this.types.length; f++) {
      const chunk = data[f]!;
      const out = this.columns[f]!;
      const written = this.written[f]!;
      const bitmap = chunk.nullCount > 0 ? chunk.nullBitmap : null;
      const offset = chunk.offset;
      if (this.types[f] === "bool") {
        const bits = chunk.values as Uint8Array;
        for (let i = 0; i < count; i++) {
          const bit = offset + from[i]!;
          out[to[i]!] = (bits[bit >> 3]! >> (bit & 7)) & 1;
        }
      } else {
        // Same element type on both sides (Arrow's values array for the logical type).
        const values = chunk.values as typeof out;
        for (let i = 0; i < count; i++) out[to[i]!] = values[from[i]!]!;
      }
      if (bitmap) {
        for (let i = 0; i < count; i++) {
          const bit = offset + from[i]!;
          written[to[i]!] = (bitmap[bit >> 3]! >> (bit & 7)) & 1;
        }
      } else for (let i = 0; i < count; i++) written[to[i]!] = 1;
    }
  }

  /** One vector per feature, one row per entity row. */
  build(): Vector[] {
    const rows = this.rows;
    return this.types.map((type, f) => {
      const written = this.written[f]!;
      const bitmap = new Uint8Array((rows + 7) >> 3);
      let nullCount = 0;
      for (let i = 0; i < rows; i++) {
        if (written[i]) bitmap[i >> 3]! |= 1 << (i & 7);
        else nullCount++;
      }
      let values: Column = this.columns[f]!;
      if (type === "bool") {
        const bits = new Uint8Array((rows + 7) >> 3);
        for (let i = 0; i < rows; i++) if (values[i]) bits[i >> 3]! |= 1 << (i & 7);
        values = bits;
      }
      const data = makeData({
        type: toArrowType(type),
        length: rows,
        nullCount,
        nullBitmap: nullCount === 0 ? null : bitmap,
        data: values,
      } as never);
      return makeVector(data as Data) as Vector;
    });
  }
}
