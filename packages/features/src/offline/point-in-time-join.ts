import { type LogicalType, toArrowType } from "@ballast/core";
import { type Data, Field, makeData, RecordBatch, Schema, Struct, Table, type Vector } from "apache-arrow";
import { AsOfSlots, groupByKey, sortGroups } from "./as-of-merge.js";
import { checkColumnType } from "./column-type.js";
import { FeatureColumns } from "./feature-columns.js";
import { KeyEncoder } from "./key-encoder.js";
import {
  FeatureSchemaMismatchError,
  FeatureSourceChangedError,
  OfflineJoinInvalidError,
  throwIfAborted,
} from "./offline-errors.js";
import { startEarly } from "./read-ahead.js";
import { CREATED_TS_COLUMN, EVENT_TS_COLUMN } from "./scan-source.js";
import { isFixedWidth, SlotMatrix } from "./slot-matrix.js";
import { checkInstantColumn, readMillis } from "./timestamp-column.js";
import { ValueBuffer } from "./value-buffer.js";

/** One feature view of a {@link pointInTimeJoin}. */
export interface JoinViewInput {
  /** View name, used in error messages. */
  name: string;
  /** Columns present both in the entity table and in the source batches. */
  joinKeys: readonly string[];
  /** A fresh scan of the source (the output of `scanSource`) on each call; called once per join. */
  batches: () => AsyncIterable<RecordBatch>;
  /**
   * A fresh scan that yields only the named columns (and the timestamps), its batches otherwise
   * row for row those of `batches` (for `scanSource`, the same options with `columns` narrowed).
   * When given, the join reads the source in two passes: the join keys and timestamps first, to find
   * every entity row's matching source row, then the features, copying only the matched rows'
   * values. That reads each column once, as one pass does, but copies one row per entity row
   * instead of one per better row seen. `batches` is then not called.
   */
  scanColumns?: (columns: readonly string[]) => AsyncIterable<RecordBatch>;
  /** When set, only source rows with event_ts >= T - lookbackMs (inclusive) match. */
  lookbackMs?: number;
  /** Whether the batches carry `__created_ts`. */
  hasCreatedTimestamp: boolean;
  /** Default false: source rows with created_ts > T are excluded (no leakage from late backfills). */
  includeCreatedAfter?: boolean;
  /** Source column → output column, with its type. */
  features: readonly { column: string; outputName: string; type: LogicalType }[];
}

/** Options of {@link pointInTimeJoin}. */
export interface PointInTimeJoinOptions {
  /** Join keys and a `timestamp[ms, UTC]` column, plus any other columns (all kept). */
  entities: Table;
  timestampColumn: string;
  views: readonly JoinViewInput[];
  signal?: AbortSignal;
}

/**
 * Point-in-time-correct join of an entity table with feature views: for each entity row at time T
 * and each view, among the source rows with equal join keys, event_ts <= T, event_ts >= T - lookback
 * (when set) and created_ts <= T (when the source has created timestamps, unless
 * `includeCreatedAfter`), the row with the greatest event_ts; ties go to the greatest created_ts,
 * and rows equal in both go to the one read last (later file in key order, later row in a file).
 *
 * The output has the entity table's columns, rows and order unchanged (duplicates stay), then each
 * view's features under their `outputName`; no match, a null join key or a null T gives nulls. A
 * source row with a null join key or a null event timestamp never matches.
 *
 * The engine is a merge as-of join on typed arrays. Join keys, composite and of mixed types, are
 * hashed to dense integer ids from the entity table, and the entity rows are sorted by (key id, T)
 * (counting sort on the id, then by time). Source batches are consumed as they stream: each row's
 * key is looked up (rows whose key no entity asks for are dropped at once) and the row is merged
 * into its key's run of entity times by binary search, where it competes for one slot per entity
 * row (see `AsOfSlots`); only slot winners' values are copied, into typed arrays. A final pass takes
 * prefix maxima along each run. Memory is bounded by the entity table (one slot of key, times and
 * feature values per entity row), not by the size of the source, which is never held.
 *
 * A view with `scanColumns` is joined in two passes (see there): the first merges keys and times and
 * remembers only each slot's winning row ordinal; the second streams the features and copies the
 * values of the final matches straight to their entity rows.
 *
 * @throws FeatureNaiveTimestampError `FEATURE_NAIVE_TIMESTAMP` when the entity timestamp column has
 * no time zone; FeatureSchemaMismatchError `FEATURE_SCHEMA_MISMATCH` when a source batch lacks a
 * join key or feature, or has it with another type; OfflineJoinInvalidError `OFFLINE_JOIN_INVALID`
 * for a missing entity column, a duplicate output name or a negative lookback;
 * FeatureSourceChangedError `FEATURE_SOURCE_CHANGED` when a two-pass view's second scan yields
 * other batches than its first (the source changed during the join; retry); `ABORTED` via `signal`.
 *
 * @example
 * const training = await pointInTimeJoin({
 *   entities, timestampColumn: "event_timestamp",
 *   views: [{ name: "driver_stats", joinKeys: ["driver_id"], hasCreatedTimestamp: false, lookbackMs: 86_400_000,
 *     batches: () => scanSource({ store, path: "driver_stats/", timestampField: "ts", columns }),
 *     features: [{ column: "trips", outputName: "driver_stats__trips", type: "int32" }] }],
 * })
 */
export async function pointInTimeJoin(options: PointInTimeJoinOptions): Promise<Table> {
  const { entities, timestampColumn, views, signal } = options;
  const entityFile = "the entity table";
  const tsField = entities.schema.fields.find((field) => field.name === timestampColumn);
  if (!tsField) {
    throw new OfflineJoinInvalidError(
      `The entity table has no timestamp column "${timestampColumn}" (columns: ${columnList(entities)}).`,
      "Add the column, or pass its name as the timestamp column.",
    );
  }
  checkInstantColumn(tsField, entityFile, timestampColumn);
  const names = new Set(entities.schema.fields.map((field) => field.name));
  for (const view of views) {
    if (view.lookbackMs !== undefined && !(view.lookbackMs >= 0)) {
      throw new OfflineJoinInvalidError(
        `View "${view.name}" has lookback ${view.lookbackMs} ms; it must be zero or more.`,
        "Give a non-negative lookback, or none for an unbounded one.",
      );
    }
    for (const key of view.joinKeys) {
      if (!entities.schema.fields.some((field) => field.name === key)) {
        throw new OfflineJoinInvalidError(
          `The entity table has no join key column "${key}" of view "${view.name}" (columns: ${columnList(entities)}).`,
          "Add the join key column to the entity table.",
        );
      }
    }
    for (const feature of view.features) {
      if (names.has(feature.outputName)) {
        throw new OfflineJoinInvalidError(
          `Output column "${feature.outputName}" of view "${view.name}" is already a column of the entity table or of another view.`,
          "Prefix feature names with their view, or rename the entity table's column.",
        );
      }
      names.add(feature.outputName);
    }
  }
  const rows = entities.numRows;
  const entityTs = new Float64Array(rows);
  let at = 0;
  for (const chunk of entities.getChild(timestampColumn)!.data) {
    readMillis(chunk, entityTs, at);
    at += chunk.length;
  }
  const featureVectors: Vector[] = [];
  const featureFields: Field[] = [];
  for (const view of views) {
    throwIfAborted(signal, "The point-in-time join");
    const vectors = await joinView(view, entities, entityTs, signal);
    featureVectors.push(...vectors);
    featureFields.push(...view.features.map((f) => new Field(f.outputName, toArrowType(f.type), true)));
  }
  const schema = new Schema([...entities.schema.fields, ...featureFields], entities.schema.metadata);
  const batches: RecordBatch[] = [];
  let offset = 0;
  for (const batch of entities.batches) {
    const length = batch.numRows;
    const children: Data[] = [
      ...batch.data.children,
      ...featureVectors.map((vector) => vector.slice(offset, offset + length).data[0]!),
    ];
    batches.push(
      new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children })),
    );
    offset += length;
  }
  return batches.length > 0 ? new Table(batches) : new Table(schema);
}

function columnList(table: Table): string {
  return table.schema.fields.map((field) => field.name).join(", ") || "none";
}

/** One view's feature columns, one entry per entity row. */
async function joinView(
  view: JoinViewInput,
  entities: Table,
  entityTs: Float64Array,
  signal: AbortSignal | undefined,
): Promise<Vector[]> {
  // The first scan starts now, so its first row groups are read while the entity side is prepared.
  const scan = startEarly(view.scanColumns ? view.scanColumns(view.joinKeys) : view.batches());
  try {
    return await joinViewWith(view, entities, entityTs, signal, scan);
  } finally {
    await scan.close();
  }
}

async function joinViewWith(
  view: JoinViewInput,
  entities: Table,
  entityTs: Float64Array,
  signal: AbortSignal | undefined,
  firstScan: AsyncIterable<RecordBatch>,
): Promise<Vector[]> {
  const rows = entities.numRows;
  const encoder = new KeyEncoder(view.joinKeys);
  const entityKeys = new Int32Array(rows);
  const keyFields = view.joinKeys.map((key) => entities.schema.fields.find((field) => field.name === key)!);
  const keyChunks = view.joinKeys.map((key) => entities.getChild(key)!.data);
  let at = 0;
  for (let chunk = 0; chunk < (keyChunks[0]?.length ?? 0); chunk++) {
    const data = keyChunks.map((chunks) => chunks[chunk]!);
    encoder.encode(keyFields, data, entityKeys, at, true, "the entity table");
    at += data[0]!.length;
  }
  for (let i = 0; i < rows; i++) if (Number.isNaN(entityTs[i]!)) entityKeys[i] = -1;
  const keyCount = encoder.size;
  const entity = groupByKey(entityKeys, rows, keyCount);
  sortGroups(entity, entityTs, null);
  const excludeCreatedAfter = view.hasCreatedTimestamp && view.includeCreatedAfter !== true;
  const slots = new AsOfSlots(
    entity,
    entityTs,
    view.lookbackMs,
    excludeCreatedAfter,
    !!view.scanColumns,
    view.hasCreatedTimestamp,
  );
  const join: ViewJoin = {
    view,
    encoder,
    slots,
    rows,
    slotCount: entity.order.length,
    where: `the source batches of view "${view.name}"`,
    signal,
  };
  return view.scanColumns
    ? joinInTwoPasses(join, firstScan, view.scanColumns)
    : joinInOnePass(join, firstScan);
}

/** What both ways of joining a view share. */
interface ViewJoin {
  view: JoinViewInput;
  encoder: KeyEncoder;
  slots: AsOfSlots;
  /** Entity rows. */
  rows: number;
  /** Entity rows with a key and a time: one slot each. */
  slotCount: number;
  where: string;
  signal: AbortSignal | undefined;
}

/**
 * Where a join collects feature values, `size` entries; strings, bytes and lists are kept as JS
 * values. Fixed-width features: for `"slots"` (one pass, where a slot's values are overwritten each
 * time a better row arrives) one row-major matrix, so copying an entry touches one or two cache
 * lines; for `"entity rows"` (pass two, one write per entity row) one output array per feature,
 * written in place and returned without a copy.
 */
function featureStores(view: JoinViewInput, size: number, layout: "slots" | "entity rows") {
  const fixed = view.features.filter((feature) => isFixedWidth(feature.type));
  const others = view.features.filter((feature) => !fixed.includes(feature));
  const types = fixed.map((feature) => feature.type);
  const matrix = layout === "slots" ? new SlotMatrix(types, size) : new FeatureColumns(types, size);
  const buffers = others.map((feature) => {
    const buffer = new ValueBuffer(feature.type);
    buffer.reserve(size);
    buffer.length = size;
    return buffer;
  });
  /** Copies row `from[i]` of the batch to entry `to[i]`, for i < count. */
  const scatter = (batch: RecordBatch, from: Int32Array, to: Int32Array, count: number) => {
    matrix.scatter(
      fixed.map((feature) => columnData(batch, feature.column)),
      from,
      to,
      count,
    );
    for (let f = 0; f < others.length; f++) {
      buffers[f]!.scatter(columnData(batch, others[f]!.column), from, to, count);
    }
  };
  /**
   * The feature vectors: entry `indices[i]` for output row i, null where negative (for
   * `"entity rows"`, `indices[i]` is i or negative, and the rows never written are the null ones).
   */
  const build = (indices: Int32Array): Vector[] => {
    const fixedVectors = matrix instanceof SlotMatrix ? matrix.buildAll(indices) : matrix.build();
    return view.features.map((feature) => {
      const f = fixed.indexOf(feature);
      return f >= 0 ? fixedVectors[f]! : buffers[others.indexOf(feature)]!.build(indices);
    });
  };
  return { scatter, build };
}

function columnData(batch: RecordBatch, name: string): Data {
  return batch.getChild(name)!.data[0]!;
}

/** Per-batch scratch arrays of the merge, grown to the largest batch. */
class BatchScratch {
  keys = new Int32Array(0);
  ts = new Float64Array(0);
  created = new Float64Array(0);
  rows = new Int32Array(0);
  slots = new Int32Array(0);

  /** Key ids, event times and created times (or null) of `batch`'s rows, in the scratch arrays. */
  read(join: ViewJoin, batch: RecordBatch): Float64Array | null {
    const n = batch.numRows;
    if (this.keys.length < n) {
      this.keys = new Int32Array(n);
      this.ts = new Float64Array(n);
      this.created = new Float64Array(n);
      this.rows = new Int32Array(n);
      this.slots = new Int32Array(n);
    }
    const { view } = join;
    join.encoder.encode(
      view.joinKeys.map((key) => batch.schema.fields.find((field) => field.name === key)!),
      view.joinKeys.map((key) => columnData(batch, key)),
      this.keys,
      0,
      false,
      join.where,
    );
    readMillis(columnData(batch, EVENT_TS_COLUMN), this.ts);
    if (!view.hasCreatedTimestamp) return null;
    readMillis(columnData(batch, CREATED_TS_COLUMN), this.created);
    for (let i = 0; i < n; i++)
      if (Number.isNaN(this.created[i]!)) this.created[i] = Number.NEGATIVE_INFINITY;
    return this.created;
  }
}

/** Merges the batches as they stream, copying each slot winner's values when it wins. */
async function joinInOnePass(join: ViewJoin, batches: AsyncIterable<RecordBatch>): Promise<Vector[]> {
  const { view, slots, signal } = join;
  const store = featureStores(view, join.slotCount, "slots");
  const scratch = new BatchScratch();
  let checkedSchema: Schema | undefined;
  for await (const batch of batches) {
    throwIfAborted(signal, "The point-in-time join");
    const n = batch.numRows;
    if (n === 0) continue;
    if (batch.schema !== checkedSchema) {
      checkBatchSchema(batch.schema, view, join.where, view.joinKeys, view.features);
      checkedSchema = batch.schema;
    }
    const created = scratch.read(join, batch);
    const won = slots.offer(n, scratch.keys, scratch.ts, created, scratch.rows, scratch.slots);
    if (won > 0) store.scatter(batch, scratch.rows, scratch.slots, won);
  }
  return store.build(slots.winners(join.rows));
}

/**
 * Pass one merges keys and times, remembering each slot's winning row by its ordinal in the scan;
 * pass two streams the features and copies each entity row's final match to that entity row.
 */
async function joinInTwoPasses(
  join: ViewJoin,
  keysAndTimes: AsyncIterable<RecordBatch>,
  scanColumns: (columns: readonly string[]) => AsyncIterable<RecordBatch>,
): Promise<Vector[]> {
  const { view, slots, signal, rows } = join;
  const scratch = new BatchScratch();
  // Per batch of pass one: its first ordinal, and its first and last event times (NaN when null),
  // which pass two must see again.
  const batchStarts: number[] = [];
  const batchEnds: number[] = [];
  let ordinal = 0;
  let checkedSchema: Schema | undefined;
  for await (const batch of keysAndTimes) {
    throwIfAborted(signal, "The point-in-time join");
    const n = batch.numRows;
    if (n === 0) continue;
    if (batch.schema !== checkedSchema) {
      checkBatchSchema(batch.schema, view, join.where, view.joinKeys, []);
      checkedSchema = batch.schema;
    }
    const created = scratch.read(join, batch);
    slots.offerTracked(n, scratch.keys, scratch.ts, created, ordinal);
    batchStarts.push(ordinal, scratch.ts[0]!, scratch.ts[n - 1]!);
    batchEnds.push(ordinal + n);
    ordinal += n;
  }
  const columns = [...new Set(view.features.map((feature) => feature.column))];
  // The second scan starts before the matches are sorted out, to overlap its first reads with that.
  const features = startEarly(scanColumns(columns));
  try {
    return await copyMatches(join, features, slots.matchedOrdinals(rows), batchStarts, batchEnds);
  } finally {
    await features.close();
  }
}

/** Pass two: streams the features and copies each entity row's match (`matched` ordinals) to it. */
async function copyMatches(
  join: ViewJoin,
  features: AsyncIterable<RecordBatch>,
  matched: Float64Array,
  batchStarts: readonly number[],
  batchEnds: readonly number[],
): Promise<Vector[]> {
  const { view, signal, rows } = join;
  // Entity rows ordered by their match's (batch, row within it): two counting sorts, by row then
  // (stably) by batch, so that the copies read each batch's columns front to back.
  const batches = batchEnds.length;
  const first = new Int32Array(batches + 1);
  const batchOf = new Int32Array(rows);
  const rowIn = new Int32Array(rows);
  let longest = 0;
  let pairs = 0;
  for (let e = 0; e < rows; e++) {
    const o = matched[e]!;
    if (o < 0) continue;
    let lo = 0;
    let hi = batches - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (batchEnds[mid]! <= o) lo = mid + 1;
      else hi = mid;
    }
    batchOf[e] = lo;
    rowIn[e] = o - batchStarts[3 * lo]!;
    if (rowIn[e]! >= longest) longest = rowIn[e]! + 1;
    first[lo + 1]!++;
    pairs++;
  }
  const byRow = new Int32Array(longest + 1);
  for (let e = 0; e < rows; e++) if (matched[e]! >= 0) byRow[rowIn[e]! + 1]!++;
  for (let r = 0; r < longest; r++) byRow[r + 1]! += byRow[r]!;
  const rowOrder = new Int32Array(pairs);
  for (let e = 0; e < rows; e++) if (matched[e]! >= 0) rowOrder[byRow[rowIn[e]!]!++] = e;
  for (let b = 0; b < batches; b++) first[b + 1]! += first[b]!;
  const cursor = first.slice(0, batches);
  const targets = new Int32Array(pairs);
  const sourceRows = new Int32Array(pairs);
  const indices = new Int32Array(rows).fill(-1);
  for (let i = 0; i < pairs; i++) {
    const e = rowOrder[i]!;
    const at = cursor[batchOf[e]!]!++;
    targets[at] = e;
    sourceRows[at] = rowIn[e]!;
    indices[e] = e;
  }
  const store = featureStores(view, rows, "entity rows");
  let b = 0;
  let ts = new Float64Array(0);
  let checkedSchema: Schema | undefined;
  for await (const batch of features) {
    throwIfAborted(signal, "The point-in-time join");
    const n = batch.numRows;
    if (n === 0) continue;
    if (batch.schema !== checkedSchema) {
      checkBatchSchema(batch.schema, view, join.where, [], view.features);
      checkedSchema = batch.schema;
    }
    if (ts.length < n) ts = new Float64Array(n);
    readMillis(columnData(batch, EVENT_TS_COLUMN), ts);
    if (
      b >= batches ||
      batchEnds[b]! - batchStarts[3 * b]! !== n ||
      !sameTime(ts[0]!, batchStarts[3 * b + 1]!) ||
      !sameTime(ts[n - 1]!, batchStarts[3 * b + 2]!)
    ) {
      throw new FeatureSourceChangedError(view.name, b);
    }
    const count = first[b + 1]! - first[b]!;
    if (count > 0) {
      store.scatter(batch, sourceRows.subarray(first[b]!), targets.subarray(first[b]!), count);
    }
    b++;
  }
  if (b !== batches) throw new FeatureSourceChangedError(view.name, b);
  return store.build(indices);
}

function sameTime(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function checkBatchSchema(
  schema: Schema,
  view: JoinViewInput,
  where: string,
  keys: readonly string[],
  features: JoinViewInput["features"],
): void {
  const field = (name: string): Field | undefined => schema.fields.find((f) => f.name === name);
  for (const key of keys) {
    if (!field(key)) {
      throw new FeatureSchemaMismatchError({
        file: where,
        column: key,
        declared: "join key",
        found: "no such column",
      });
    }
  }
  checkInstantColumn(field(EVENT_TS_COLUMN), where, EVENT_TS_COLUMN);
  if (view.hasCreatedTimestamp) checkInstantColumn(field(CREATED_TS_COLUMN), where, CREATED_TS_COLUMN);
  for (const feature of features) checkColumnType(field(feature.column), feature.type, where, feature.column);
}
