import { type Data, DataType, type Field, TimeUnit, Vector } from "apache-arrow";
import { FeatureSchemaMismatchError } from "./offline-errors.js";

/** Empty slot marker of {@link WordTable}. */
const EMPTY = -1;

/**
 * An open-addressing hash table from a pair of 32-bit words to a dense id (0, 1, 2, ... in order
 * of first insertion). Join key values of fixed width (integers, floats, booleans, timestamps) are
 * two words; a composite key is folded pairwise (id so far, next column's id). Typed arrays only, no
 * object per key.
 */
export class WordTable {
  /** Slot i is entries [3i, 3i + 3): hi, lo, id (EMPTY when free), side by side so a probe reads one cache line. */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.slots = WordTable.empty(slots);
    this.mask = slots - 1;
  }

  private static empty(count: number): Int32Array {
    const slots = new Int32Array(count * 3);
    for (let i = 2; i < slots.length; i += 3) slots[i] = EMPTY;
    return slots;
  }

  /** The id of (hi, lo), or -1 when it was never inserted. */
  get(hi: number, lo: number): number {
    const mask = this.mask;
    const slots = this.slots;
    let slot = hash(hi, lo) & mask;
    for (;;) {
      const at = slot * 3;
      const id = slots[at + 2]!;
      if (id === EMPTY) return EMPTY;
      if (slots[at + 1] === lo && slots[at] === hi) return id;
      slot = (slot + 1) & mask;
    }
  }

  /** The id of (hi, lo), inserting it with the next id when new. */
  getOrInsert(hi: number, lo: number): number {
    const mask = this.mask;
    const slots = this.slots;
    let slot = hash(hi, lo) & mask;
    for (;;) {
      const at = slot * 3;
      const id = slots[at + 2]!;
      if (id === EMPTY) break;
      if (slots[at + 1] === lo && slots[at] === hi) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.size++;
    const at = slot * 3;
    slots[at] = hi;
    slots[at + 1] = lo;
    slots[at + 2] = id;
    if (this.size * 2 > mask) this.grow();
    return id;
  }

  /** Calls `visit` with every (hi, lo, id) inserted. */
  forEach(visit: (hi: number, lo: number, id: number) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 3) {
      const id = slots[at + 2]!;
      if (id !== EMPTY) visit(slots[at]!, slots[at + 1]!, id);
    }
  }

  private grow(): void {
    const old = this.slots;
    const count = ((this.mask + 1) * 2) | 0;
    const slots = WordTable.empty(count);
    const mask = count - 1;
    for (let at = 0; at < old.length; at += 3) {
      const id = old[at + 2]!;
      if (id === EMPTY) continue;
      let slot = hash(old[at]!, old[at + 1]!) & mask;
      while (slots[slot * 3 + 2] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot * 3] = old[at]!;
      slots[slot * 3 + 1] = old[at + 1]!;
      slots[slot * 3 + 2] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hash(hi: number, lo: number): number {
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi ^ 0xc2b2ae35, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h;
}

/**
 * How values of a key column are compared: two columns may be joined when their kinds are equal.
 * Integers of any width compare by value (an int32 entity key matches an int64 source key).
 */
export function keyKind(type: DataType): string {
  if (DataType.isInt(type)) return "integer";
  if (DataType.isFloat(type)) return "float";
  if (DataType.isBool(type)) return "bool";
  if (DataType.isTimestamp(type)) return `timestamp[${TimeUnit[type.unit]}]`;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return "string";
  if (DataType.isBinary(type) || DataType.isLargeBinary(type)) return "bytes";
  if (DataType.isDictionary(type)) return keyKind(type.dictionary);
  return String(type);
}

const scratchFloat = new Float64Array(1);
const scratchWords = new Int32Array(scratchFloat.buffer);

/** Dense ids for the values of one key column, shared by every table the join reads. */
/** A direct table is used when the integer keys span at most this many times their count (and 1 << 26). */
const DIRECT_SPREAD = 4;
const DIRECT_LIMIT = 1 << 26;
const TWO_32 = 4294967296;

class ColumnDictionary {
  readonly kind: string;
  private readonly words = new WordTable();
  private readonly strings = new Map<string, number>();
  /**
   * For integer keys in a narrow range (ids 0..n, the usual case), an array from value - base to
   * id, built at the first lookup: one cache-friendly load per row instead of a hash probe.
   */
  private direct: Int32Array | null | undefined;
  private directBase = 0;

  constructor(kind: string) {
    this.kind = kind;
  }

  /** Distinct values inserted so far. */
  get size(): number {
    return this.words.size + this.strings.size;
  }

  /** The direct table of an integer column when its values are narrow enough (see `direct`). */
  private directTable(): Int32Array | null {
    if (this.direct !== undefined) return this.direct;
    this.direct = null;
    if (this.kind !== "integer" || this.words.size === 0) return null;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    this.words.forEach((hi, lo) => {
      const value = hi * TWO_32 + (lo >>> 0);
      if (value < min) min = value;
      if (value > max) max = value;
    });
    // Only exact doubles: every value in [min, max] is then a distinct safe integer.
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return null;
    const span = max - min + 1;
    if (span > DIRECT_LIMIT || span > DIRECT_SPREAD * this.words.size + 1024) return null;
    const direct = new Int32Array(span).fill(EMPTY);
    this.words.forEach((hi, lo, id) => {
      direct[hi * TWO_32 + (lo >>> 0) - min] = id;
    });
    this.direct = direct;
    this.directBase = min;
    return direct;
  }

  /** Writes the id of each row of `data` to `out` (from `at`): -1 for a null, and in lookup mode for a value never inserted. */
  encode(data: Data, out: Int32Array, at: number, insert: boolean): void {
    const length = data.length;
    const type = data.type;
    const table = this.words;
    const values = data.values as unknown;
    if (insert) this.direct = undefined;
    // Null rows are never inserted (their slots hold arbitrary values) and get -1.
    let nulls: Uint8Array | null = null;
    if (data.nullCount > 0 && data.nullBitmap) {
      nulls = new Uint8Array(length);
      const bitmap = data.nullBitmap;
      for (let i = 0; i < length; i++) {
        const bit = data.offset + i;
        nulls[i] = (bitmap[bit >> 3]! >> (bit & 7)) & 1 ? 0 : 1;
      }
    }
    if ((DataType.isInt(type) || DataType.isTimestamp(type)) && !DataType.isDictionary(type)) {
      const direct = insert ? null : this.directTable();
      if (direct && (values instanceof BigInt64Array || values instanceof BigUint64Array)) {
        const w = new Int32Array(values.buffer, values.byteOffset, length * 2);
        const base = this.directBase;
        const size = direct.length;
        for (let i = 0; i < length; i++) {
          if (nulls?.[i]) {
            out[at + i] = EMPTY;
            continue;
          }
          const index = w[2 * i + 1]! * TWO_32 + (w[2 * i]! >>> 0) - base;
          out[at + i] = index >= 0 && index < size ? direct[index]! : EMPTY;
        }
      } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
        const w = new Int32Array(values.buffer, values.byteOffset, length * 2);
        for (let i = 0; i < length; i++) {
          if (nulls?.[i]) {
            out[at + i] = EMPTY;
            continue;
          }
          out[at + i] = insert
            ? table.getOrInsert(w[2 * i + 1]!, w[2 * i]!)
            : table.get(w[2 * i + 1]!, w[2 * i]!);
        }
      } else if (values instanceof Uint32Array) {
        for (let i = 0; i < length; i++) {
          if (nulls?.[i]) {
            out[at + i] = EMPTY;
            continue;
          }
          const lo = values[i]! | 0;
          out[at + i] = insert ? table.getOrInsert(0, lo) : table.get(0, lo);
        }
      } else {
        const ints = values as Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;
        for (let i = 0; i < length; i++) {
          if (nulls?.[i]) {
            out[at + i] = EMPTY;
            continue;
          }
          const lo = ints[i]! | 0;
          const hi = lo < 0 ? -1 : 0;
          out[at + i] = insert ? table.getOrInsert(hi, lo) : table.get(hi, lo);
        }
      }
    } else if (DataType.isFloat(type) && (values instanceof Float64Array || values instanceof Float32Array)) {
      for (let i = 0; i < length; i++) {
        if (nulls?.[i]) {
          out[at + i] = EMPTY;
          continue;
        }
        let v = values[i]!;
        if (v === 0) v = 0; // -0 and 0 are one key
        scratchFloat[0] = Number.isNaN(v) ? Number.NaN : v;
        const hi = scratchWords[1]!;
        const lo = scratchWords[0]!;
        out[at + i] = insert ? table.getOrInsert(hi, lo) : table.get(hi, lo);
      }
    } else if (DataType.isBool(type)) {
      const offset = data.offset;
      const bits = values as Uint8Array;
      for (let i = 0; i < length; i++) {
        if (nulls?.[i]) {
          out[at + i] = EMPTY;
          continue;
        }
        const bit = offset + i;
        const lo = (bits[bit >> 3]! >> (bit & 7)) & 1;
        out[at + i] = insert ? table.getOrInsert(0, lo) : table.get(0, lo);
      }
    } else {
      const vector = new Vector([data]);
      const strings = this.strings;
      for (let i = 0; i < length; i++) {
        const value = vector.get(i);
        if (value === null || value === undefined) {
          out[at + i] = EMPTY;
          continue;
        }
        const text = stringKey(value);
        let id = strings.get(text);
        if (id === undefined) {
          if (insert) {
            id = strings.size;
            strings.set(text, id);
          } else id = EMPTY;
        }
        out[at + i] = id;
      }
    }
  }
}

function stringKey(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) {
    let text = "";
    for (let i = 0; i < value.length; i += 0x8000) {
      text += String.fromCharCode(...value.subarray(i, i + 0x8000));
    }
    return text;
  }
  return String(value);
}

/**
 * Encodes the join key tuples of a view (one or several columns of mixed types) to dense integer
 * ids: equal tuples get equal ids in every table encoded with the same encoder, and a tuple with a
 * null part gets -1. The entity table is encoded first with `insert`; source batches are then
 * encoded in lookup mode, so a source row whose key no entity asks for gets -1 and is dropped
 * without being stored.
 */
export class KeyEncoder {
  private readonly columns: ColumnDictionary[] = [];
  /** One table per extra column: level c maps (tuple id of columns 0..c-1, id in column c) to a tuple id. */
  private readonly tuples: WordTable[] = [];
  private scratch = new Int32Array(0);
  readonly keys: readonly string[];

  constructor(keys: readonly string[]) {
    this.keys = keys;
  }

  /** Number of distinct tuples inserted so far; ids are 0 to size - 1. */
  get size(): number {
    if (this.keys.length === 1) return this.columns[0]?.size ?? 0;
    return this.tuples[this.keys.length - 2]?.size ?? 0;
  }

  /**
   * Ids of one chunk's rows. `fields` are the chunk's key columns in `keys` order, `chunks` their data.
   *
   * @throws FeatureSchemaMismatchError when a key column's kind differs from the first table encoded.
   */
  encode(
    fields: readonly Field[],
    chunks: readonly Data[],
    out: Int32Array,
    at: number,
    insert: boolean,
    file: string,
  ): void {
    const length = chunks[0]?.length ?? 0;
    for (let c = 0; c < this.keys.length; c++) {
      const kind = keyKind(fields[c]!.type);
      let dictionary = this.columns[c];
      if (!dictionary) {
        dictionary = new ColumnDictionary(kind);
        this.columns[c] = dictionary;
      } else if (dictionary.kind !== kind) {
        throw new FeatureSchemaMismatchError({
          file,
          column: this.keys[c]!,
          declared: `join key of kind ${dictionary.kind} (as in the entity table)`,
          found: kind,
        });
      }
    }
    if (this.keys.length === 1) {
      const dictionary = this.columns[0]!;
      dictionary.encode(chunks[0]!, out, at, insert);
      return;
    }
    if (this.scratch.length < length) this.scratch = new Int32Array(length);
    const part = this.scratch;
    this.columns[0]!.encode(chunks[0]!, out, at, insert);
    for (let c = 1; c < this.keys.length; c++) {
      this.columns[c]!.encode(chunks[c]!, part, 0, insert);
      let level = this.tuples[c - 1];
      if (!level) {
        level = new WordTable();
        this.tuples[c - 1] = level;
      }
      for (let i = 0; i < length; i++) {
        const prev = out[at + i]!;
        const id = part[i]!;
        if (prev === EMPTY || id === EMPTY) out[at + i] = EMPTY;
        else out[at + i] = insert ? level.getOrInsert(prev, id) : level.get(prev, id);
      }
    }
  }
}
