import { ByteReader, ByteWriter, type SketchValue } from "@ballast/core";
import { corrupt, SketchError } from "./sketch-error.js";

const FORMAT_VERSION = 1;
const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);
const TAG = { number: 1, string: 2, boolean: 3, bigint: 4 } as const;

/** Options of {@link SpaceSaving}. */
export interface SpaceSavingOptions {
  /** Counters kept, 1..65535 (default 128): each count overestimates by at most n/capacity. */
  capacity?: number;
}

/** One frequent item: `count` overestimates the true frequency by at most `error`. */
export interface FrequentItem {
  value: SketchValue;
  /** Upper bound of the frequency. */
  count: number;
  /** count − error is a lower bound of the frequency. */
  error: number;
}

/**
 * Space-saving frequent-items sketch (Metwally, Agrawal, El Abbadi, "Efficient computation of frequent
 * and top-k elements in data streams", ICDT 2005) with `capacity` counters. An unseen item replaces the
 * item with the smallest count c and starts at c + 1 with error c.
 *
 * Guarantees after n additions (and after merges): every count is an upper bound, `count − error` a
 * lower bound, every overestimate is at most {@link maxError} ≤ n/capacity, and every item whose true
 * frequency exceeds {@link maxError} (so every item above n/capacity) is kept.
 *
 * Merging follows the mergeable-summaries construction (Agarwal, Cormode, Huang, Phillips, Wei, Yi,
 * "Mergeable summaries", PODS 2012), via the isomorphism between space-saving with k counters and
 * Misra-Gries with k−1: the counts of items kept by both add, an item kept by one side only gets the
 * other side's floor (its smallest count when full) as count and error, and the `capacity` largest
 * survive. The bound n/capacity holds for the union. `merge` returns a new sketch; ties between equal
 * counts break by value, so merge(a, b) equals merge(b, a).
 *
 * @example
 * const ss = new SpaceSaving({ capacity: 64 });
 * for (const country of countries) ss.add(country);
 * ss.topK(5); // [{ value: "DE", count: 1234, error: 3 }, ...]
 */
export class SpaceSaving {
  readonly capacity: number;
  /** Slot of each non-number (and NaN) value. */
  #slots = new Map<SketchValue, number>();
  /**
   * Slot of each number, in an open-addressing table (linear probing, backward-shift deletion) over
   * the float64 keys: a Map would box every double and cost several times more per add.
   */
  #table: Int32Array;
  #mask: number;
  #numberKeys: Float64Array;
  #keys: SketchValue[] = [];
  #counts: Float64Array;
  #errors: Float64Array;
  /** Min-heap of slot indices by count; #positions[slot] is the slot's index in the heap. */
  #heap: Int32Array;
  #positions: Int32Array;
  #size = 0;
  #n = 0;

  constructor(options: SpaceSavingOptions = {}) {
    const capacity = options.capacity ?? 128;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 65535) {
      throw new SketchError(
        "MONITORING_INVALID_OPTION",
        `Space-saving capacity must be an integer 1..65535, got ${capacity}.`,
        {
          hint: "Use 128, or about 1/ε counters for an error of ε·n.",
        },
      );
    }
    this.capacity = capacity;
    this.#counts = new Float64Array(capacity);
    this.#errors = new Float64Array(capacity);
    this.#heap = new Int32Array(capacity);
    this.#positions = new Int32Array(capacity);
    let tableSize = 8;
    while (tableSize < capacity * 4) tableSize *= 2;
    this.#table = new Int32Array(tableSize).fill(-1);
    this.#mask = tableSize - 1;
    this.#numberKeys = new Float64Array(capacity);
  }

  #bucket(x: number): number {
    FLOAT[0] = x;
    let h = Math.imul(WORDS[0]! ^ Math.imul(WORDS[1]!, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.#mask;
  }

  #lookup(value: SketchValue): number {
    if (typeof value === "number" && !Number.isNaN(value)) {
      const x = value === 0 ? 0 : value;
      const table = this.#table;
      for (let b = this.#bucket(x); ; b = (b + 1) & this.#mask) {
        const slot = table[b]!;
        if (slot === -1) return -1;
        if (this.#numberKeys[slot] === x && typeof this.#keys[slot] === "number") return slot;
      }
    }
    return this.#slots.get(value) ?? -1;
  }

  #index(value: SketchValue, slot: number): void {
    if (typeof value === "number" && !Number.isNaN(value)) {
      const x = value === 0 ? 0 : value;
      this.#numberKeys[slot] = x;
      let b = this.#bucket(x);
      while (this.#table[b] !== -1) b = (b + 1) & this.#mask;
      this.#table[b] = slot;
      return;
    }
    this.#slots.set(value, slot);
  }

  #unindex(value: SketchValue, slot: number): void {
    if (!(typeof value === "number" && !Number.isNaN(value))) {
      this.#slots.delete(value);
      return;
    }
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#bucket(this.#numberKeys[slot]!);
    while (table[hole] !== slot) hole = (hole + 1) & mask;
    // Backward-shift deletion: move later entries of the probe run into the hole when allowed.
    for (let next = (hole + 1) & mask; table[next] !== -1; next = (next + 1) & mask) {
      const home = this.#bucket(this.#numberKeys[table[next]!]!);
      const distanceHome = (next - home) & mask;
      const distanceHole = (next - hole) & mask;
      if (distanceHome >= distanceHole) {
        table[hole] = table[next]!;
        hole = next;
      }
    }
    table[hole] = -1;
  }

  /** Total weight added. */
  get count(): number {
    return this.#n;
  }

  /** Items kept. */
  get size(): number {
    return this.#size;
  }

  /**
   * The largest possible overestimate of any count, and the frequency above which every item is kept:
   * the smallest count when all counters are in use, else 0 (then every count is exact).
   */
  get maxError(): number {
    return this.#size < this.capacity ? 0 : this.#counts[this.#heap[0]!]!;
  }

  /** Adds one occurrence (or `weight` occurrences) of a value. NaN is a value here: filter it first. */
  add(value: SketchValue, weight = 1): void {
    this.#n += weight;
    const slot = this.#lookup(value);
    if (slot !== -1) {
      this.#counts[slot]! += weight;
      this.#siftDown(this.#positions[slot]!);
      return;
    }
    if (this.#size < this.capacity) {
      const fresh = this.#size++;
      this.#keys[fresh] = value;
      this.#counts[fresh] = weight;
      this.#errors[fresh] = 0;
      this.#index(value, fresh);
      this.#heap[fresh] = fresh;
      this.#positions[fresh] = fresh;
      this.#siftUp(fresh);
      return;
    }
    const victim = this.#heap[0]!;
    this.#unindex(this.#keys[victim]!, victim);
    this.#keys[victim] = value;
    this.#errors[victim] = this.#counts[victim]!;
    this.#counts[victim]! += weight;
    this.#index(value, victim);
    this.#siftDown(0);
  }

  /**
   * Adds a batch of numbers whose exact frequencies are known: `values[i]` (distinct, not NaN) occurred
   * `counts[i]` times, for i < length. The batch's `capacity` most frequent values (ties to the smaller
   * value) with their exact counts are a space-saving summary of the batch with error 0 (every value
   * left out occurred at most as often as the least frequent kept one), so it is merged in as
   * {@link mergeInPlace} merges a sketch, and the guarantees of the class comment hold. Costs one
   * comparison per distinct value instead of a table update per occurrence.
   */
  addCounts(values: Float64Array, counts: Float64Array, length: number): void {
    const capacity = this.capacity;
    // Min-heap (by count, then larger value first) of the best `capacity` so far.
    const heapValues = new Float64Array(capacity);
    const heapCounts = new Float64Array(capacity);
    let size = 0;
    let total = 0;
    const worse = (i: number, j: number) =>
      heapCounts[i]! < heapCounts[j]! || (heapCounts[i] === heapCounts[j] && heapValues[i]! > heapValues[j]!);
    const swap = (i: number, j: number) => {
      const v = heapValues[i]!;
      const c = heapCounts[i]!;
      heapValues[i] = heapValues[j]!;
      heapCounts[i] = heapCounts[j]!;
      heapValues[j] = v;
      heapCounts[j] = c;
    };
    const siftDown = (at: number) => {
      for (;;) {
        let least = at;
        const left = 2 * at + 1;
        if (left < size && worse(left, least)) least = left;
        if (left + 1 < size && worse(left + 1, least)) least = left + 1;
        if (least === at) return;
        swap(at, least);
        at = least;
      }
    };
    for (let i = 0; i < length; i++) {
      const value = values[i] === 0 ? 0 : values[i]!;
      const count = counts[i]!;
      total += count;
      if (size < capacity) {
        heapValues[size] = value;
        heapCounts[size] = count;
        for (let at = size++; at > 0; ) {
          const parent = (at - 1) >> 1;
          if (!worse(at, parent)) break;
          swap(at, parent);
          at = parent;
        }
        continue;
      }
      // Better than the worst kept: a larger count, or an equal count and a smaller value.
      if (count > heapCounts[0]! || (count === heapCounts[0] && value < heapValues[0]!)) {
        heapValues[0] = value;
        heapCounts[0] = count;
        siftDown(0);
      }
    }
    const batch = new SpaceSaving({ capacity });
    const items: FrequentItem[] = [];
    for (let i = 0; i < size; i++) items.push({ value: heapValues[i]!, count: heapCounts[i]!, error: 0 });
    batch.#load(items, total);
    this.mergeInPlace(batch);
  }

  #siftUp(at: number): void {
    const heap = this.#heap;
    const counts = this.#counts;
    const slot = heap[at]!;
    const count = counts[slot]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const parentSlot = heap[parent]!;
      if (counts[parentSlot]! <= count) break;
      heap[at] = parentSlot;
      this.#positions[parentSlot] = at;
      at = parent;
    }
    heap[at] = slot;
    this.#positions[slot] = at;
  }

  #siftDown(at: number): void {
    const heap = this.#heap;
    const counts = this.#counts;
    const size = this.#size;
    const slot = heap[at]!;
    const count = counts[slot]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && counts[heap[child + 1]!]! < counts[heap[child]!]!) child++;
      const childSlot = heap[child]!;
      if (counts[childSlot]! >= count) break;
      heap[at] = childSlot;
      this.#positions[childSlot] = at;
      at = child;
    }
    heap[at] = slot;
    this.#positions[slot] = at;
  }

  /** The estimate for one value: kept items give their counter; others `{ count: maxError, error: maxError }`. */
  estimate(value: SketchValue): { count: number; error: number } {
    const slot = this.#lookup(value);
    if (slot === -1) return { count: this.maxError, error: this.maxError };
    return { count: this.#counts[slot]!, error: this.#errors[slot]! };
  }

  /** The `k` (default: all kept) items with the largest counts, largest first, ties by value. */
  topK(k: number = this.#size): FrequentItem[] {
    const items: FrequentItem[] = [];
    for (let slot = 0; slot < this.#size; slot++) {
      items.push({ value: this.#keys[slot]!, count: this.#counts[slot]!, error: this.#errors[slot]! });
    }
    items.sort(compareItems);
    return items.slice(0, Math.max(0, k));
  }

  /** A new sketch of both streams (see the class comment). @throws SketchError `MONITORING_SKETCH_INCOMPATIBLE`. */
  merge(other: SpaceSaving): SpaceSaving {
    const out = new SpaceSaving({ capacity: this.capacity });
    out.#load(this.#merged(other), this.#n + other.#n);
    return out;
  }

  /**
   * Like {@link merge} but replaces this sketch's contents with the merge and returns it: no new
   * buffers, for reducing many partitions into an accumulator you own. `other` is not changed.
   */
  mergeInPlace(other: SpaceSaving): this {
    const items = this.#merged(other);
    const n = this.#n + other.#n;
    this.#slots.clear();
    this.#table.fill(-1);
    this.#size = 0;
    this.#load(items, n);
    return this;
  }

  #merged(other: SpaceSaving): FrequentItem[] {
    if (other.capacity !== this.capacity) {
      throw new SketchError(
        "MONITORING_SKETCH_INCOMPATIBLE",
        `Cannot merge space-saving sketches of capacity ${this.capacity} and ${other.capacity}.`,
        { hint: "Build every partition's profile with the same frequentCapacity option." },
      );
    }
    const floorA = this.maxError;
    const floorB = other.maxError;
    const combined = new Map<SketchValue, FrequentItem>();
    for (let slot = 0; slot < this.#size; slot++) {
      const value = this.#keys[slot]!;
      combined.set(value, {
        value,
        count: this.#counts[slot]! + floorB,
        error: this.#errors[slot]! + floorB,
      });
    }
    for (let slot = 0; slot < other.#size; slot++) {
      const value = other.#keys[slot]!;
      const count = other.#counts[slot]!;
      const error = other.#errors[slot]!;
      const existing = combined.get(value);
      if (existing) {
        existing.count += count - floorB;
        existing.error += error - floorB;
      } else {
        combined.set(value, { value, count: count + floorA, error: error + floorA });
      }
    }
    return [...combined.values()].sort(compareItems).slice(0, this.capacity);
  }

  #load(items: readonly FrequentItem[], n: number): void {
    for (const item of items) {
      const slot = this.#size++;
      this.#keys[slot] = item.value;
      this.#counts[slot] = item.count;
      this.#errors[slot] = item.error;
      this.#index(item.value, slot);
      this.#heap[slot] = slot;
      this.#positions[slot] = slot;
      this.#siftUp(slot);
    }
    this.#n = n;
  }

  /**
   * Binary form: version u8, capacity u16, n f64, size u16, then per item a type tag u8 (1 number,
   * 2 string, 3 boolean, 4 bigint), the value (f64 / u32 length + UTF-8 / u8 / i64), count f64, error f64.
   */
  serialize(): Uint8Array {
    const writer = new ByteWriter();
    this.writeTo(writer);
    return writer.finish();
  }

  /** Writes {@link serialize}'s bytes into a larger buffer. */
  writeTo(writer: ByteWriter): void {
    writer.u8(FORMAT_VERSION);
    writer.u16(this.capacity);
    writer.f64(this.#n);
    writer.u16(this.#size);
    for (const item of this.topK()) {
      const value = item.value;
      switch (typeof value) {
        case "number":
          writer.u8(TAG.number);
          writer.f64(value);
          break;
        case "string":
          writer.u8(TAG.string);
          writer.string(value);
          break;
        case "boolean":
          writer.u8(TAG.boolean);
          writer.u8(value ? 1 : 0);
          break;
        default:
          writer.u8(TAG.bigint);
          writer.i64(value);
      }
      writer.f64(item.count);
      writer.f64(item.error);
    }
  }

  /** Reads {@link serialize}'s bytes. @throws SketchError `MONITORING_SKETCH_CORRUPT`. */
  static deserialize(bytes: Uint8Array): SpaceSaving {
    const reader = new ByteReader(bytes, "space-saving sketch", corrupt);
    const sketch = SpaceSaving.readFrom(reader);
    reader.end();
    return sketch;
  }

  /** Reads one sketch from a larger buffer. */
  static readFrom(reader: ByteReader): SpaceSaving {
    const version = reader.u8();
    if (version !== FORMAT_VERSION)
      throw corrupt(reader.what, `unknown space-saving format version ${version}`);
    const capacity = reader.u16();
    if (capacity < 1) throw corrupt(reader.what, "capacity 0");
    const n = reader.f64();
    const size = reader.u16();
    if (size > capacity) throw corrupt(reader.what, `${size} items exceed capacity ${capacity}`);
    const items: FrequentItem[] = [];
    const seen = new Set<SketchValue>();
    let total = 0;
    for (let i = 0; i < size; i++) {
      const tag = reader.u8();
      let value: SketchValue;
      if (tag === TAG.number) value = reader.f64();
      else if (tag === TAG.string) value = reader.string();
      else if (tag === TAG.boolean) {
        const byte = reader.u8();
        if (byte > 1) throw corrupt(reader.what, `boolean byte ${byte}`);
        value = byte === 1;
      } else if (tag === TAG.bigint) value = reader.i64();
      else throw corrupt(reader.what, `unknown value tag ${tag}`);
      const count = reader.f64();
      const error = reader.f64();
      if (!(count > 0 && error >= 0 && error < count) || seen.has(value)) {
        throw corrupt(reader.what, `item ${String(value)} has count ${count} and error ${error}`);
      }
      seen.add(value);
      total += count - error;
      items.push({ value, count, error });
    }
    if (!(Number.isFinite(n) && n >= 0 && total <= n * (1 + 1e-12))) {
      throw corrupt(reader.what, `count ${n} is smaller than the items' lower bounds`);
    }
    const sketch = new SpaceSaving({ capacity });
    sketch.#load(items, n);
    return sketch;
  }
}

const TYPE_ORDER: Record<string, number> = { boolean: 0, number: 1, bigint: 2, string: 3 };

/** Largest count first; equal counts by type, then value, so the order is total and deterministic. */
function compareItems(a: FrequentItem, b: FrequentItem): number {
  if (a.count !== b.count) return b.count - a.count;
  return compareValues(a.value, b.value);
}

/** A total order on sketch values: booleans, numbers, bigints, strings (by UTF-16 code units). */
export function compareValues(a: SketchValue, b: SketchValue): number {
  const ta = TYPE_ORDER[typeof a]!;
  const tb = TYPE_ORDER[typeof b]!;
  if (ta !== tb) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}
