import { type Data, DataType, type Table } from "apache-arrow";
import { DriftError } from "./drift-error.js";

/** How a column is compared: numerical columns by their distribution, categorical by frequencies. */
export type DriftColumnKind = "numerical" | "categorical";

/** A category value; numbers and booleans stay themselves, so `1` and `"1"` are distinct. */
export type CategoryValue = string | number | boolean;

/** One column of a dataset, nulls removed (and counted). */
export type ColumnData =
  | { name: string; kind: "numerical"; values: Float64Array; nulls: number; nonFinite: number }
  | { name: string; kind: "categorical"; values: CategoryValue[]; nulls: number };

/** Tabular input of `compare`: an Arrow table or row objects. */
export type TabularData = Table | readonly Readonly<Record<string, unknown>>[];

/** True for an Arrow table (duck-typed, so a second copy of apache-arrow works too). */
export function isArrowTable(data: unknown): data is Table {
  return (
    typeof data === "object" &&
    data !== null &&
    typeof (data as Table).getChild === "function" &&
    typeof (data as Table).numRows === "number"
  );
}

function arrowKind(type: DataType): DriftColumnKind | undefined {
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return "numerical";
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return "numerical";
  if (
    DataType.isUtf8(type) ||
    DataType.isLargeUtf8(type) ||
    DataType.isBool(type) ||
    DataType.isDictionary(type)
  )
    return "categorical";
  return undefined;
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.getTime();
  return Number.NaN;
}

function build(name: string, kind: DriftColumnKind, raw: ArrayLike<unknown>): ColumnData {
  let nulls = 0;
  if (kind === "numerical") {
    const values: number[] = [];
    let nonFinite = 0;
    for (let i = 0; i < raw.length; i++) {
      const x = toNumber(raw[i]);
      if (x === null || Number.isNaN(x)) nulls++;
      else {
        if (!Number.isFinite(x)) nonFinite++;
        values.push(x);
      }
    }
    return { name, kind, values: Float64Array.from(values), nulls, nonFinite };
  }
  const values: CategoryValue[] = [];
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i];
    if (x === null || x === undefined || (typeof x === "number" && Number.isNaN(x))) nulls++;
    else if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") values.push(x);
    else if (typeof x === "bigint") values.push(Number(x));
    else values.push(String(x));
  }
  return { name, kind, values, nulls };
}

/** Names of the columns of tabular data, in order (rows: the union of keys, first-seen order). */
export function columnNames(data: TabularData): string[] {
  if (isArrowTable(data)) return data.schema.fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const row of data) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * The kind a column's values suggest: numerical when every non-null value is a number (or bigint,
 * Date), categorical otherwise. Arrow columns use their type.
 */
export function inferKind(data: TabularData, name: string): DriftColumnKind | undefined {
  if (isArrowTable(data)) {
    const field = data.schema.fields.find((f) => f.name === name);
    return field ? arrowKind(field.type) : undefined;
  }
  let sawValue = false;
  for (const row of data) {
    const v = row[name];
    if (v === null || v === undefined) continue;
    sawValue = true;
    if (typeof v !== "number" && typeof v !== "bigint" && !(v instanceof Date)) return "categorical";
  }
  return sawValue ? "numerical" : undefined;
}

/**
 * Reads one column. NaN counts as missing (like a null): drift compares the distributions of the
 * values that are present; the report keeps the missing counts apart.
 *
 * @throws DriftError `MONITORING_SCHEMA_MISMATCH` when an Arrow column has a type that cannot be
 *   compared (lists, structs, binary).
 */
export function readColumn(data: TabularData, name: string, kind: DriftColumnKind): ColumnData {
  if (isArrowTable(data)) {
    const vector = data.getChild(name);
    if (!vector) {
      throw new DriftError("MONITORING_SCHEMA_MISMATCH", `Column "${name}" is missing.`, {
        hint: "Pass data with the compared columns, or list the columns to compare in `columns`.",
        details: { missing: [name] },
      });
    }
    const raw: unknown[] = new Array(vector.length);
    for (let i = 0; i < vector.length; i++) raw[i] = vector.isValid(i) ? vector.get(i) : null;
    return build(name, kind, raw);
  }
  return build(
    name,
    kind,
    data.map((row) => row[name]),
  );
}

/** A numerical column as {@link readColumn} returns it. */
export type NumericalColumnData = Extract<ColumnData, { kind: "numerical" }>;

/** Gives the array a column's values are copied into (shared memory, when they go to a worker). */
export type Float64Allocator = (length: number) => Float64Array;

const allocateLocal: Float64Allocator = (length) => new Float64Array(length);

/** Float and 8–32-bit integer chunks: read straight from their value buffers. */
function isFlatNumeric(data: Data): boolean {
  const type = data.type as DataType;
  return (DataType.isFloat(type) && type.precision !== 0) || (DataType.isInt(type) && type.bitWidth <= 32);
}

/**
 * {@link readColumn} of a numerical column into an array from `allocate` (the same values, nulls and
 * counts). Float and 8–32-bit integer Arrow columns are read from their value buffers and validity
 * bitmaps in one pass; other inputs go through {@link readColumn} and are copied.
 */
export function readNumericalColumn(
  data: TabularData,
  name: string,
  allocate: Float64Allocator = allocateLocal,
): NumericalColumnData {
  const vector = isArrowTable(data) ? data.getChild(name) : null;
  if (!vector?.data.every(isFlatNumeric)) {
    const column = readColumn(data, name, "numerical") as NumericalColumnData;
    if (allocate === allocateLocal) return column;
    const values = allocate(column.values.length);
    values.set(column.values);
    return { ...column, values };
  }
  const out = allocate(vector.length - vector.nullCount);
  let count = 0;
  let nulls = 0;
  let nonFinite = 0;
  for (const chunk of vector.data) {
    // Fixed-width values are sliced to the chunk; the validity bitmap is not (it starts at `offset`).
    const values = chunk.values as ArrayLike<number>;
    const length = chunk.length;
    const bitmap = chunk.nullCount > 0 ? chunk.nullBitmap : null;
    const offset = chunk.offset;
    if (bitmap === null) {
      // The common case: every value finite (x - x is 0 exactly for finite x), then a block copy.
      let allFinite = true;
      for (let i = 0; i < length && allFinite; i++) allFinite = values[i]! - values[i]! === 0;
      if (allFinite && ArrayBuffer.isView(values)) {
        out.set(values as unknown as Float64Array, count);
        count += length;
        continue;
      }
      for (let i = 0; i < length; i++) {
        const x = values[i]!;
        if (x - x === 0) out[count++] = x;
        else if (Number.isNaN(x)) nulls++;
        else {
          nonFinite++;
          out[count++] = x;
        }
      }
      continue;
    }
    for (let i = 0; i < length; i++) {
      if (((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 0) {
        nulls++;
        continue;
      }
      const x = values[i]!;
      if (Number.isNaN(x)) {
        nulls++;
        continue;
      }
      if (x - x !== 0) nonFinite++;
      out[count++] = x;
    }
  }
  return {
    name,
    kind: "numerical",
    values: count === out.length ? out : out.subarray(0, count),
    nulls,
    nonFinite,
  };
}
