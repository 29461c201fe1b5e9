import { DataType, type RecordBatch, type Schema, type Vector } from "apache-arrow";
import { type DistinctCount, DistinctCounter } from "./distinct-counter.js";

/**
 * A small summary of one column, computed in one pass. Numeric statistics skip NaN and ±Infinity
 * (JSON cannot hold them, and one infinity would hide every other value); `nonFiniteCount` says how
 * many were skipped.
 */
export interface ColumnProfile {
  name: string;
  /** The Arrow type, as Arrow prints it (`Float64`, `Timestamp<MILLISECOND, UTC>`). */
  arrowType: string;
  /** Non-null values. */
  count: number;
  nullCount: number;
  /** Distinct non-null values, for scalar columns (not lists or structs). */
  distinct?: DistinctCount;
  /**
   * Smallest finite value: a number for numeric columns and for timestamps and dates (epoch
   * milliseconds, UTC); a decimal string for a 64-bit integer beyond ±2^53.
   */
  min?: number | string;
  /** Largest finite value, as {@link ColumnProfile.min}. */
  max?: number | string;
  /** Mean of the finite values, numeric columns only. */
  mean?: number;
  /** NaN and ±Infinity values left out of min, max and mean (float columns only). */
  nonFiniteCount?: number;
}

/** The profile of a dataset: one entry per column, in schema order. */
export interface DatasetProfile {
  columns: ColumnProfile[];
}

type Kind = "number" | "bigint" | "timestamp" | "bool" | "string" | "binary" | "other";

function kindOf(type: DataType): Kind {
  if (DataType.isDictionary(type)) return kindOf(type.dictionary);
  if (DataType.isInt(type)) return type.bitWidth === 64 ? "bigint" : "number";
  if (DataType.isFloat(type)) return "number";
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return "timestamp";
  if (DataType.isBool(type)) return "bool";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return "string";
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type))
    return "binary";
  return "other";
}

/** Accumulates one column's statistics across batches; holds O(1) state plus the distinct counter. */
class ColumnAccumulator {
  readonly #kind: Kind;
  readonly #isFloat: boolean;
  #count = 0;
  #nullCount = 0;
  #nonFinite = 0;
  #finite = 0;
  #mean = 0;
  #min: number | bigint | undefined;
  #max: number | bigint | undefined;
  readonly #distinct: DistinctCounter | undefined;

  constructor(
    readonly name: string,
    readonly type: DataType,
  ) {
    this.#kind = kindOf(type);
    const valueType = DataType.isDictionary(type) ? type.dictionary : type;
    this.#isFloat = DataType.isFloat(valueType);
    this.#distinct = this.#kind === "other" ? undefined : new DistinctCounter();
  }

  addVector(vector: Vector): void {
    // A null-free fixed-width numeric child is one typed array: iterate it without boxing per value.
    const values: Iterable<unknown> =
      vector.nullCount === 0 && this.#kind === "number" && !DataType.isDictionary(this.type)
        ? (vector.toArray() as Iterable<number>)
        : vector;
    for (const value of values) this.add(value);
  }

  add(value: unknown): void {
    if (value === null || value === undefined) {
      this.#nullCount += 1;
      return;
    }
    this.#count += 1;
    switch (this.#kind) {
      case "number":
      case "timestamp": {
        const n = value as number;
        this.#distinct!.add(String(n));
        if (!Number.isFinite(n)) {
          this.#nonFinite += 1;
          return;
        }
        this.#observe(n);
        if (this.#kind === "number") this.#addToMean(n);
        return;
      }
      case "bigint": {
        const n = value as bigint;
        this.#distinct!.add(String(n));
        this.#observe(n);
        this.#addToMean(Number(n));
        return;
      }
      case "binary":
        this.#distinct!.add(Buffer.from(value as Uint8Array).toString("hex"));
        return;
      case "bool":
      case "string":
        this.#distinct!.add(String(value));
        return;
      case "other":
        return;
    }
  }

  #observe(n: number | bigint): void {
    if (this.#min === undefined || n < this.#min) this.#min = n;
    if (this.#max === undefined || n > this.#max) this.#max = n;
  }

  // A running mean never overflows, where a sum of large values could reach Infinity.
  #addToMean(n: number): void {
    this.#finite += 1;
    this.#mean += (n - this.#mean) / this.#finite;
  }

  result(): ColumnProfile {
    const profile: ColumnProfile = {
      name: this.name,
      arrowType: String(this.type),
      count: this.#count,
      nullCount: this.#nullCount,
    };
    if (this.#distinct) profile.distinct = this.#distinct.result();
    if (this.#min !== undefined) profile.min = jsonNumber(this.#min);
    if (this.#max !== undefined) profile.max = jsonNumber(this.#max);
    if ((this.#kind === "number" || this.#kind === "bigint") && this.#finite > 0) profile.mean = this.#mean;
    if (this.#isFloat) profile.nonFiniteCount = this.#nonFinite;
    return profile;
  }
}

function jsonNumber(value: number | bigint): number | string {
  // -0 becomes 0: it is the same value, JSON stores it as 0, and which of the two a column's min or
  // max shows would otherwise depend on the order the rows came in.
  if (typeof value === "number") return value === 0 ? 0 : value;
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

/**
 * Builds a {@link DatasetProfile} from record batches fed one at a time, so a Parquet scan is profiled
 * while it streams: memory holds the current batch and, per column, a few numbers and a distinct
 * counter bounded by `EXACT_DISTINCT_LIMIT` keys (then 4 KiB of sketch).
 *
 * @example
 * const profiler = new DatasetProfiler(table.schema);
 * for (const batch of table.batches) profiler.addBatch(batch);
 * const profile = profiler.result();
 */
export class DatasetProfiler {
  readonly #columns: ColumnAccumulator[];
  #rowCount = 0;

  constructor(schema: Schema) {
    this.#columns = schema.fields.map((field) => new ColumnAccumulator(field.name, field.type));
  }

  /** Rows fed so far. */
  get rowCount(): number {
    return this.#rowCount;
  }

  /** Feeds one batch; its schema must be the one given to the constructor. */
  addBatch(batch: RecordBatch): void {
    this.#rowCount += batch.numRows;
    this.#columns.forEach((column, index) => {
      const child = batch.getChildAt(index);
      if (child) column.addVector(child);
    });
  }

  result(): DatasetProfile {
    return { columns: this.#columns.map((column) => column.result()) };
  }
}

/**
 * Profiles a stream of batches in one pass.
 *
 * @example const profile = await profileBatches(table.schema, table.batches);
 */
export async function profileBatches(
  schema: Schema,
  batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
): Promise<{ profile: DatasetProfile; rowCount: number }> {
  const profiler = new DatasetProfiler(schema);
  for await (const batch of batches) profiler.addBatch(batch);
  return { profile: profiler.result(), rowCount: profiler.rowCount };
}
