import { fromArrowType, type LogicalType, TIMESTAMP_TIME_ZONE, toArrowType } from "@ballast/core";
import {
  type Data,
  Field,
  makeData,
  makeVector,
  type RecordBatch,
  Schema,
  Table,
  TimestampMillisecond,
  type Vector,
} from "apache-arrow";
import { checkColumnType } from "./column-type.js";
import { KeyEncoder } from "./key-encoder.js";
import { FeatureSchemaMismatchError, throwIfAborted } from "./offline-errors.js";
import { CREATED_TS_COLUMN, EVENT_TS_COLUMN } from "./scan-source.js";
import { checkInstantColumn, readMillis } from "./timestamp-column.js";
import { ValueBuffer } from "./value-buffer.js";

/** Options of {@link latestValues}. */
export interface LatestValuesOptions {
  joinKeys: readonly string[];
  /** A fresh scan of the source (the output of `scanSource`). */
  batches: () => AsyncIterable<RecordBatch>;
  /** Whether the batches carry `__created_ts`. */
  hasCreatedTimestamp: boolean;
  features: readonly { column: string; outputName: string; type: LogicalType }[];
  /** Only rows with start <= event ts < end (epoch ms) count. */
  start?: number;
  end?: number;
  /**
   * Types of the join keys, for the output's key columns when the scan yields no batch (otherwise
   * they are taken from the batches). Without it an empty result has `string` key columns.
   */
  keyTypes?: Readonly<Record<string, LogicalType>>;
  signal?: AbortSignal;
}

const utcMillis = new TimestampMillisecond(TIMESTAMP_TIME_ZONE);

/**
 * The latest row of each distinct join-key tuple of a source: greatest event ts, ties to the
 * greatest created ts, then to the row read last. Rows with a null join key or a null event ts,
 * and rows outside [start, end), are ignored. One pass over the batches; memory holds one row per
 * distinct key tuple.
 *
 * The result has the join keys, `__event_ts`, `__created_ts` (when the source has it) and the
 * features under their `outputName`, one row per key tuple, in order of the key tuple's first
 * appearance in the scan (counted or not).
 *
 * @throws FeatureSchemaMismatchError `FEATURE_SCHEMA_MISMATCH` when a batch lacks a join key or a
 * feature or has another type; FeatureNaiveTimestampError `FEATURE_NAIVE_TIMESTAMP`; `ABORTED`.
 *
 * @example
 * const latest = await latestValues({ joinKeys: ["driver_id"], hasCreatedTimestamp: false,
 *   batches: () => scanSource({ ... }), features: [{ column: "trips", outputName: "trips", type: "int32" }] })
 */
export async function latestValues(options: LatestValuesOptions): Promise<Table> {
  const { joinKeys, features, signal } = options;
  const lo = options.start ?? Number.NEGATIVE_INFINITY;
  const hi = options.end ?? Number.POSITIVE_INFINITY;
  const encoder = new KeyEncoder(joinKeys);
  let keyBuffers: ValueBuffer[] | undefined;
  const featureBuffers = features.map((f) => new ValueBuffer(f.type));
  let bestTs: Float64Array = new Float64Array(1024);
  let bestCreated: Float64Array = new Float64Array(1024);
  let pendingRow = new Int32Array(1024).fill(-1);
  let keys = new Int32Array(0);
  let ts = new Float64Array(0);
  let created = new Float64Array(0);
  let rows = new Int32Array(0);
  let slots = new Int32Array(0);
  let checkedSchema: Schema | undefined;
  const where = "the source batches of the latest-values scan";
  for await (const batch of options.batches()) {
    throwIfAborted(signal, "The latest-values scan");
    const n = batch.numRows;
    if (n === 0) continue;
    const fields = joinKeys.map((key) => batch.schema.fields.find((field) => field.name === key));
    if (batch.schema !== checkedSchema) {
      fields.forEach((field, i) => {
        if (!field) {
          throw new FeatureSchemaMismatchError({
            file: where,
            column: joinKeys[i]!,
            declared: "join key",
            found: "no such column",
          });
        }
      });
      const field = (name: string) => batch.schema.fields.find((f) => f.name === name);
      checkInstantColumn(field(EVENT_TS_COLUMN), where, EVENT_TS_COLUMN);
      if (options.hasCreatedTimestamp) checkInstantColumn(field(CREATED_TS_COLUMN), where, CREATED_TS_COLUMN);
      for (const f of features) checkColumnType(field(f.column), f.type, where, f.column);
      checkedSchema = batch.schema;
    }
    keyBuffers ??= fields.map((field, i) => {
      const type = fromArrowType(field!.type, joinKeys[i]);
      return new ValueBuffer(type);
    });
    if (keys.length < n) {
      keys = new Int32Array(n);
      ts = new Float64Array(n);
      created = new Float64Array(n);
      rows = new Int32Array(n);
      slots = new Int32Array(n);
    }
    const child = (name: string): Data => batch.getChild(name)!.data[0]!;
    const before = encoder.size;
    encoder.encode(fields as Field[], joinKeys.map(child), keys, 0, true, where);
    const size = encoder.size;
    if (size > bestTs.length) {
      let capacity = bestTs.length;
      while (capacity < size) capacity *= 2;
      bestTs = grow(bestTs, capacity, Number.NaN);
      bestCreated = grow(bestCreated, capacity, Number.NaN);
      const pending = new Int32Array(capacity).fill(-1);
      pending.set(pendingRow);
      pendingRow = pending;
    }
    for (let k = before; k < size; k++) {
      bestTs[k] = Number.NaN;
      bestCreated[k] = Number.NaN;
    }
    readMillis(child(EVENT_TS_COLUMN), ts);
    if (options.hasCreatedTimestamp) {
      readMillis(child(CREATED_TS_COLUMN), created);
      for (let i = 0; i < n; i++) if (Number.isNaN(created[i]!)) created[i] = Number.NEGATIVE_INFINITY;
    } else created.fill(0, 0, n);
    let touched = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const t = ts[i]!;
      if (k < 0 || !(t >= lo && t < hi)) continue;
      const c = created[i]!;
      const bt = bestTs[k]!;
      // NaN marks a key with no row yet; ">=" lets the row read last win a full tie.
      if (Number.isNaN(bt) || t > bt || (t === bt && c >= bestCreated[k]!)) {
        bestTs[k] = t;
        bestCreated[k] = c;
        if (pendingRow[k] === -1) slots[touched++] = k;
        pendingRow[k] = i;
      }
    }
    if (touched === 0) continue;
    for (let j = 0; j < touched; j++) {
      const k = slots[j]!;
      rows[j] = pendingRow[k]!;
      pendingRow[k] = -1;
    }
    const needed = encoder.size;
    for (const buffer of [...keyBuffers, ...featureBuffers]) {
      buffer.reserve(needed);
      if (buffer.length < needed) buffer.length = needed;
    }
    for (let c = 0; c < joinKeys.length; c++)
      keyBuffers[c]!.scatter(child(joinKeys[c]!), rows, slots, touched);
    for (let f = 0; f < features.length; f++) {
      featureBuffers[f]!.scatter(child(features[f]!.column), rows, slots, touched);
    }
  }
  // Keys seen only outside [start, end) have no row.
  const present: number[] = [];
  for (let k = 0; k < encoder.size; k++) if (!Number.isNaN(bestTs[k]!)) present.push(k);
  const index = Int32Array.from(present);
  const keyTypes =
    keyBuffers?.map((buffer) => buffer.type) ?? joinKeys.map((key) => options.keyTypes?.[key] ?? "string");
  const columns: { field: Field; vector: Vector }[] = joinKeys.map((key, c) => ({
    field: new Field(key, toArrowType(keyTypes[c]!), true),
    vector: keyBuffers ? keyBuffers[c]!.build(index) : new ValueBuffer(keyTypes[c]!).build(index),
  }));
  columns.push({ field: new Field(EVENT_TS_COLUMN, utcMillis, false), vector: millisVector(bestTs, index) });
  if (options.hasCreatedTimestamp) {
    columns.push({
      field: new Field(CREATED_TS_COLUMN, utcMillis, true),
      vector: millisVector(bestCreated, index),
    });
  }
  features.forEach((feature, f) => {
    columns.push({
      field: new Field(feature.outputName, toArrowType(feature.type), true),
      vector: featureBuffers[f]!.build(index),
    });
  });
  const schema = new Schema(columns.map((column) => column.field));
  if (index.length === 0) return new Table(schema);
  return new Table(schema, Object.fromEntries(columns.map((c) => [c.field.name, c.vector])) as never);
}

function grow(values: Float64Array, capacity: number, fill: number): Float64Array {
  const out = new Float64Array(capacity).fill(fill);
  out.set(values);
  return out;
}

/** Epoch-ms values at `index` as a `timestamp[ms, UTC]` vector; -Infinity (unknown) becomes null. */
function millisVector(values: Float64Array, index: Int32Array): Vector {
  const out = new BigInt64Array(index.length);
  const bitmap = new Uint8Array((index.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < index.length; i++) {
    const v = values[index[i]!]!;
    if (Number.isFinite(v)) {
      out[i] = BigInt(v);
      bitmap[i >> 3]! |= 1 << (i & 7);
    } else nullCount++;
  }
  return makeVector(
    makeData({
      type: utcMillis,
      length: index.length,
      nullCount,
      nullBitmap: nullCount ? bitmap : null,
      data: out,
    } as never) as Data,
  ) as Vector;
}
