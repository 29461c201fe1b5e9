import { fromArrowType, hashString, type LogicalType } from "@ballast/core";
import { type Data, DataType, makeVector, type Table, TimeUnit, Type, type Vector } from "apache-arrow";
import { z } from "zod";
import { ColumnAccumulator } from "./column-accumulator.js";
import type { ColumnKind, ColumnProfile, DatasetProfile, ProfileSettings } from "./column-profile.js";
import { ProfileError } from "./profile-error.js";

const optionsSchema = z.strictObject({
  kllK: z.int().min(8).max(65535).optional(),
  hllPrecision: z.int().min(4).max(18).optional(),
  frequentCapacity: z.int().min(1).max(65535).optional(),
  histogramBins: z.int().min(1).max(10_000).optional(),
  histogramEdges: z
    .record(
      z.string(),
      z
        .array(z.number().refine(Number.isFinite, "edges must be finite"))
        .min(2)
        .refine((edges) => edges.every((e, i) => i === 0 || e > edges[i - 1]!), "edges must increase"),
    )
    .optional(),
  seed: z.int().min(0).max(0xffffffff).optional(),
  createdAt: z.union([z.number(), z.date()]).optional(),
});

/** Options of {@link profile}. */
export interface ProfileOptions {
  /** KLL accuracy k (default 200: rank error ≤ 1.65% with 99% confidence). */
  kllK?: number;
  /** HyperLogLog precision (default 14: 16 KiB per column, 0.81% standard error). */
  hllPrecision?: number;
  /** Space-saving counters per column (default 128: counts within n/128). */
  frequentCapacity?: number;
  /** Bins of the equal-width histograms read from the KLL sketch (default 20). */
  histogramBins?: number;
  /**
   * Fixed histogram edges per column (increasing, finite). Such histograms count exactly and merge
   * exactly; give every partition the same edges.
   */
  histogramEdges?: Record<string, readonly number[]>;
  /** Seed of the KLL coins: the same data and seed give the same profile. Default: random. */
  seed?: number;
  /** The profile's timestamp (default now). */
  createdAt?: number | Date;
}

/** The defaults of {@link ProfileOptions}. */
export const DEFAULT_PROFILE_SETTINGS: ProfileSettings = {
  kllK: 200,
  hllPrecision: 14,
  frequentCapacity: 128,
  histogramBins: 20,
};

/** A row of {@link profile}'s row input. */
export type ProfileRow = Readonly<Record<string, unknown>>;

/**
 * Summarises every column of a table in one pass: count, nulls, NaN and infinity counts, exact min and
 * max, mean and population variance, a KLL quantile sketch (numeric and timestamp columns), a
 * HyperLogLog distinct count, space-saving frequent items and a histogram (see {@link ColumnProfile}).
 *
 * An Arrow table is read column by column from its typed buffers and validity bitmaps (no row objects).
 * Rows (plain objects) are accepted for small inputs: a column's kind comes from its values (number or
 * bigint → numeric, boolean → bool, string → string, Date → timestamp; `null`/`undefined` are nulls).
 *
 * @throws ProfileError `MONITORING_INVALID_OPTION` for bad options; `MONITORING_SCHEMA_MISMATCH` when a
 *   row column mixes kinds (e.g. numbers and strings).
 * @example
 * const reference = profile(table, { seed: 1 });
 * reference.columns.get("age")?.quantiles?.quantile(0.5);
 */
export function profile(table: Table | readonly ProfileRow[], options: ProfileOptions = {}): DatasetProfile {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ProfileError(
      "MONITORING_INVALID_OPTION",
      `Invalid profile options: ${z.prettifyError(parsed.error)}`,
      {
        hint: "Fix the listed options (see ProfileOptions).",
        details: { issues: parsed.error.issues },
      },
    );
  }
  const settings: ProfileSettings = {
    kllK: options.kllK ?? DEFAULT_PROFILE_SETTINGS.kllK,
    hllPrecision: options.hllPrecision ?? DEFAULT_PROFILE_SETTINGS.hllPrecision,
    frequentCapacity: options.frequentCapacity ?? DEFAULT_PROFILE_SETTINGS.frequentCapacity,
    histogramBins: options.histogramBins ?? DEFAULT_PROFILE_SETTINGS.histogramBins,
  };
  const baseSeed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const createdAt = options.createdAt === undefined ? Date.now() : Number(options.createdAt);
  const makeAccumulator = (name: string, type: LogicalType | "unknown", kind: ColumnKind, index: number) =>
    new ColumnAccumulator({
      name,
      type,
      kind,
      settings,
      seed: (baseSeed + Math.imul(index + 1, 0x9e3779b9)) >>> 0,
      histogramEdges: options.histogramEdges?.[name],
    });

  const columns = new Map<string, ColumnProfile>();
  if (Array.isArray(table)) {
    const rows = table as readonly ProfileRow[];
    rowColumns(rows).forEach((name, index) => {
      columns.set(name, profileRowColumn(rows, name, index, makeAccumulator));
    });
    return { version: 1, rowCount: rows.length, columns, createdAt, settings };
  }
  const arrowTable = table as Table;
  arrowTable.schema.fields.forEach((field, index) => {
    const vector = arrowTable.getChildAt(index)!;
    const kind = kindOf(field.type);
    const accumulator = makeAccumulator(field.name, logicalTypeOf(field.type, field.name), kind, index);
    accumulateVector(accumulator, vector);
    columns.set(field.name, accumulator.finish());
  });
  return { version: 1, rowCount: arrowTable.numRows, columns, createdAt, settings };
}

function logicalTypeOf(type: DataType, name: string): LogicalType | "unknown" {
  try {
    return fromArrowType(type, name);
  } catch {
    return "unknown";
  }
}

function kindOf(type: DataType): ColumnKind {
  if (DataType.isDictionary(type)) return kindOf(type.dictionary);
  if (DataType.isInt(type) || DataType.isFloat(type)) return "numeric";
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return "timestamp";
  if (DataType.isBool(type)) return "bool";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return "string";
  return "other";
}

function accumulateVector(accumulator: ColumnAccumulator, vector: Vector): void {
  for (const data of vector.data) accumulateData(accumulator, data);
}

const TIMESTAMP_TO_MS: Record<number, number> = {
  [TimeUnit.SECOND]: 1000,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1e-3,
  [TimeUnit.NANOSECOND]: 1e-6,
};
const decoder = new TextDecoder();

/**
 * Values per {@link ColumnAccumulator.addNumbers} batch: large enough that the per-batch work (a
 * sketch merge, the radix sort's counters) is noise, small enough to stay in cache.
 */
const BATCH_VALUES = 1 << 18;
let batchScratch = new Float64Array(BATCH_VALUES);

/** The valid values of a float or 8–32-bit integer chunk, copied into batches. */
function addNumberBatches(
  acc: ColumnAccumulator,
  values: ArrayLike<number>,
  length: number,
  valid: (i: number) => boolean,
  allValid: boolean,
): void {
  if (batchScratch.length < BATCH_VALUES) batchScratch = new Float64Array(BATCH_VALUES);
  const batch = batchScratch;
  let size = 0;
  for (let i = 0; i < length; i++) {
    if (!allValid && !valid(i)) continue;
    batch[size++] = values[i]!;
    if (size === BATCH_VALUES) {
      acc.addNumbers(batch);
      size = 0;
    }
  }
  if (size > 0) acc.addNumbers(batch.subarray(0, size));
}

/** {@link addNumberBatches} for values that need converting (timestamps and dates, to epoch ms). */
function addConvertedBatches(
  acc: ColumnAccumulator,
  length: number,
  valid: (i: number) => boolean,
  read: (i: number) => number,
): void {
  if (batchScratch.length < BATCH_VALUES) batchScratch = new Float64Array(BATCH_VALUES);
  const batch = batchScratch;
  let size = 0;
  for (let i = 0; i < length; i++) {
    if (!valid(i)) continue;
    batch[size++] = read(i);
    if (size === BATCH_VALUES) {
      acc.addNumbers(batch);
      size = 0;
    }
  }
  if (size > 0) acc.addNumbers(batch.subarray(0, size));
}

/** One Arrow chunk, by its buffers. Fixed-width `values` are already sliced to the chunk; bitmaps are not. */
function accumulateData(acc: ColumnAccumulator, data: Data): void {
  const { length, offset } = data;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  const type = data.type as DataType;
  if (data.typeId === Type.Null) {
    acc.addNulls(length);
    return;
  }
  if (bitmap) acc.addNulls(data.nullCount);
  const valid = (i: number) =>
    bitmap === null || ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;

  if ((DataType.isFloat(type) && type.precision !== 0) || (DataType.isInt(type) && type.bitWidth !== 64)) {
    addNumberBatches(acc, data.values as ArrayLike<number>, length, valid, bitmap === null);
    return;
  }
  if (DataType.isInt(type)) {
    const values = data.values as BigInt64Array | BigUint64Array;
    for (let i = 0; i < length; i++) if (valid(i)) acc.addInt64(BigInt(values[i]!));
    return;
  }
  if (DataType.isTimestamp(type)) {
    const values = data.values as BigInt64Array;
    const factor = TIMESTAMP_TO_MS[type.unit]!;
    addConvertedBatches(acc, length, valid, (i) => Number(values[i]!) * factor);
    return;
  }
  if (DataType.isDate(type)) {
    if (type.unit === 0) {
      const values = data.values as Int32Array;
      addConvertedBatches(acc, length, valid, (i) => values[i]! * 86_400_000);
    } else {
      const values = data.values as unknown as BigInt64Array;
      addConvertedBatches(acc, length, valid, (i) => Number(values[i]!));
    }
    return;
  }
  if (DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    for (let i = 0; i < length; i++) {
      if (!valid(i)) continue;
      const at = offset + i;
      acc.addBoolean(((bits[at >> 3]! >> (at & 7)) & 1) === 1);
    }
    return;
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    const bytes = data.values as Uint8Array;
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    for (let i = 0; i < length; i++) {
      if (!valid(i)) continue;
      const start = Number(offsets[i]!);
      const end = Number(offsets[i + 1]!);
      acc.addString(decoder.decode(bytes.subarray(start, end)), bytes, start, end);
    }
    return;
  }
  if (
    DataType.isDictionary(type) &&
    data.dictionary &&
    (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary))
  ) {
    // Hash each dictionary entry once, then count indices.
    const entries = data.dictionary.toArray() as (string | null)[];
    const hashes = new Uint32Array(entries.length * 2);
    const out = new Uint32Array(2);
    entries.forEach((entry, j) => {
      if (entry === null) return;
      hashString(entry, out);
      hashes[2 * j] = out[0]!;
      hashes[2 * j + 1] = out[1]!;
    });
    const indices = data.values as
      | Int8Array
      | Int16Array
      | Int32Array
      | Uint8Array
      | Uint16Array
      | Uint32Array;
    for (let i = 0; i < length; i++) {
      if (!valid(i)) continue;
      const j = Number(indices[i]!);
      const entry = entries[j];
      if (entry === null || entry === undefined) acc.addNulls(1);
      else acc.addHashedString(entry, hashes[2 * j]!, hashes[2 * j + 1]!);
    }
    return;
  }
  // Any other type (Float16, decimals, dictionaries of numbers, structs, lists): through the vector's
  // own accessor, one value at a time.
  const vector = makeVector(data);
  for (let i = 0; i < length; i++) {
    if (!valid(i)) continue;
    addJsValue(acc, vector.get(i));
  }
}

function addJsValue(acc: ColumnAccumulator, value: unknown): void {
  const kind = acc.setup.kind;
  if (value === null || value === undefined) {
    acc.addNulls(1);
    return;
  }
  if (kind === "numeric" || kind === "timestamp") {
    if (typeof value === "bigint") acc.addInt64(value);
    else if (value instanceof Date) acc.addNumber(value.getTime());
    else acc.addNumber(Number(value));
  } else if (kind === "bool") acc.addBoolean(Boolean(value));
  else acc.addString(typeof value === "string" ? value : stringForm(value));
}

function stringForm(value: unknown): string {
  if (
    typeof value === "object" &&
    value !== null &&
    "toJSON" in value &&
    typeof value.toJSON === "function"
  ) {
    return JSON.stringify(value.toJSON(), (_key, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return String(value);
}

function rowColumns(rows: readonly ProfileRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) names.add(key);
  return [...names];
}

function rowKind(value: unknown): { kind: ColumnKind; type: LogicalType } | undefined {
  switch (typeof value) {
    case "number":
      return { kind: "numeric", type: "float64" };
    case "bigint":
      return { kind: "numeric", type: "int64" };
    case "boolean":
      return { kind: "bool", type: "bool" };
    case "string":
      return { kind: "string", type: "string" };
    default:
      return value instanceof Date ? { kind: "timestamp", type: "timestamp" } : undefined;
  }
}

function profileRowColumn(
  rows: readonly ProfileRow[],
  name: string,
  index: number,
  make: (name: string, type: LogicalType | "unknown", kind: ColumnKind, index: number) => ColumnAccumulator,
): ColumnProfile {
  let found: { kind: ColumnKind; type: LogicalType } | undefined;
  rows.forEach((row, at) => {
    const value = row[name];
    if (value === null || value === undefined) return;
    const kind = rowKind(value);
    if (!kind) {
      throw new ProfileError(
        "MONITORING_SCHEMA_MISMATCH",
        `Column "${name}" row ${at} holds a ${typeof value}, which cannot be profiled.`,
        {
          hint: "Give rows numbers, bigints, booleans, strings or Dates, or pass an Arrow table.",
        },
      );
    }
    if (!found) found = kind;
    else if (found.kind !== kind.kind) {
      throw new ProfileError(
        "MONITORING_SCHEMA_MISMATCH",
        `Column "${name}" mixes ${found.kind} and ${kind.kind} values (row ${at}).`,
        { hint: "Give each column one kind of value, or convert the rows to an Arrow table with a schema." },
      );
    } else if (found.type !== kind.type) found = { kind: "numeric", type: "float64" };
  });
  const accumulator = make(name, found?.type ?? "unknown", found?.kind ?? "other", index);
  for (const row of rows) addJsValue(accumulator, row[name]);
  return accumulator.finish();
}
