import { ByteReader } from "../binary/byte-reader.js";
import { ByteWriter } from "../binary/byte-writer.js";
import { BallastError } from "../errors/ballast-error.js";
import { hashBytes, hashValue, type SketchValue, TAG_STRING } from "./hash64.js";

const FORMAT_VERSION = 1;
const DENSE = 0;
const SPARSE = 1;
const ALPHA_INFINITY = 1 / (2 * Math.LN2);
const WHAT = "HyperLogLog sketch";

function sketchCorrupt(what: string, problem: string, cause?: unknown): BallastError {
  return new BallastError("SKETCH_CORRUPT", `Cannot read the ${what}: ${problem}.`, {
    hint: "The bytes were truncated or changed after serialize(); serialize the sketch again from its source.",
    cause,
  });
}
const corrupt = (problem: string) => sketchCorrupt(WHAT, problem);

/** Options of {@link HyperLogLog}. */
export interface HyperLogLogOptions {
  /** Register-index bits p, 4..18 (default 14): 2^p one-byte registers, standard error ≈ 1.04/√2^p. */
  precision?: number;
}

/**
 * HyperLogLog distinct counter (Flajolet, Fusy, Gandouet, Meunier, "HyperLogLog: the analysis of a
 * near-optimal cardinality estimation algorithm", AofA 2007) over a 64-bit hash ({@link hashValue}).
 *
 * The estimate uses Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog
 * sketches", arXiv:1702.01284, 2017, algorithm 6), which corrects the raw estimator's bias over the
 * whole range without empirical tables: for small cardinalities it behaves like linear counting
 * (it is exact-ish while most registers are empty), and with 64-bit hashes no large-range correction
 * is needed. Relative standard error ≈ 1.04/√m: 0.81% for p=14 (m=16384); about 99.7% of estimates
 * fall within three standard errors.
 *
 * `merge` returns a new sketch (register-wise maximum); the inputs are not changed. Merging is exact:
 * merge(a, b) has the same registers as one sketch fed both streams.
 *
 * @example
 * const hll = new HyperLogLog({ precision: 14 });
 * for (const id of ids) hll.add(id);
 * hll.estimate(); // ≈ number of distinct ids, ±0.81% (one standard error)
 */
export class HyperLogLog {
  readonly precision: number;
  readonly #registers: Uint8Array;
  readonly #hash = new Uint32Array(2);

  constructor(options: HyperLogLogOptions = {}) {
    const precision = options.precision ?? 14;
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) {
      throw new BallastError(
        "SKETCH_INVALID_OPTION",
        `HyperLogLog precision must be an integer 4..18, got ${precision}.`,
        {
          hint: "Use 14 (16 KiB, 0.81% standard error) unless memory is very tight.",
        },
      );
    }
    this.precision = precision;
    this.#registers = new Uint8Array(1 << precision);
  }

  /** Number of registers m = 2^precision. */
  get registerCount(): number {
    return this.#registers.length;
  }

  /** The relative standard error of {@link estimate}: 1.04/√m. */
  get standardError(): number {
    return 1.04 / Math.sqrt(this.#registers.length);
  }

  /** Adds a value (see {@link hashValue} for which values are equal). */
  add(value: SketchValue): void {
    hashValue(value, this.#hash);
    this.addHash(this.#hash[0]!, this.#hash[1]!);
  }

  /** Adds a UTF-8 string given as bytes, hashing exactly as `add(string)` does. */
  addUtf8(bytes: Uint8Array, start: number, end: number): void {
    hashBytes(bytes, start, end, TAG_STRING, this.#hash);
    this.addHash(this.#hash[0]!, this.#hash[1]!);
  }

  /** Adds a precomputed 64-bit hash given as its high and low 32-bit halves. */
  addHash(high: number, low: number): void {
    const p = this.precision;
    const index = high >>> (32 - p);
    const rest = (high << p) >>> 0;
    // rank = 1 + leading zeros of the 64 - p bits after the index; 64 - p + 1 when they are all zero.
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else rank = 32 - p + (low === 0 ? 33 : Math.clz32(low) + 1);
    if (rank > this.#registers[index]!) this.#registers[index] = rank;
  }

  /** True when nothing was added. */
  get isEmpty(): boolean {
    return this.#registers.every((r) => r === 0);
  }

  /** The estimated number of distinct values added. */
  estimate(): number {
    const m = this.#registers.length;
    const q = 64 - this.precision;
    const histogram = new Float64Array(q + 2);
    for (const register of this.#registers) histogram[register]! += 1;
    if (histogram[0] === m) return 0;
    let z = m * tau(1 - histogram[q + 1]! / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += m * sigma(histogram[0]! / m);
    return (ALPHA_INFINITY * m * m) / z;
  }

  /** A new sketch of both streams. @throws BallastError `SKETCH_INCOMPATIBLE` for different precisions. */
  merge(other: HyperLogLog): HyperLogLog {
    const out = new HyperLogLog({ precision: this.precision });
    out.#registers.set(this.#registers);
    return out.mergeInPlace(other);
  }

  /**
   * Like {@link merge} but takes the register-wise maximum into this sketch and returns it: no copy, for
   * reducing many partitions into an accumulator you own. `other` is not changed.
   */
  mergeInPlace(other: HyperLogLog): this {
    if (other.precision !== this.precision) {
      throw new BallastError(
        "SKETCH_INCOMPATIBLE",
        `Cannot merge HyperLogLog sketches of precision ${this.precision} and ${other.precision}.`,
        { hint: "Build every partition's sketch with the same precision." },
      );
    }
    const r = this.#registers;
    const b = other.#registers;
    for (let i = 0; i < r.length; i++) if (b[i]! > r[i]!) r[i] = b[i]!;
    return this;
  }

  /** Equal registers (the same set of hashed values, up to collisions). */
  equals(other: HyperLogLog): boolean {
    if (other.precision !== this.precision) return false;
    return this.#registers.every((r, i) => r === other.#registers[i]);
  }

  /**
   * Binary form: version u8, precision u8, encoding u8 (0 dense: one byte per register; 1 sparse:
   * u32 count then (u32 index, u8 value) per non-empty register, used when smaller).
   */
  serialize(): Uint8Array {
    const writer = new ByteWriter();
    this.writeTo(writer);
    return writer.finish();
  }

  /** Writes {@link serialize}'s bytes into a larger buffer. */
  writeTo(writer: ByteWriter): void {
    writer.u8(FORMAT_VERSION);
    writer.u8(this.precision);
    let nonEmpty = 0;
    for (const register of this.#registers) if (register !== 0) nonEmpty++;
    if (4 + nonEmpty * 5 < this.#registers.length) {
      writer.u8(SPARSE);
      writer.u32(nonEmpty);
      for (let i = 0; i < this.#registers.length; i++) {
        if (this.#registers[i] === 0) continue;
        writer.u32(i);
        writer.u8(this.#registers[i]!);
      }
    } else {
      writer.u8(DENSE);
      writer.bytes(this.#registers);
    }
  }

  /** Reads {@link serialize}'s bytes. @throws BallastError `SKETCH_CORRUPT`. */
  static deserialize(bytes: Uint8Array): HyperLogLog {
    const reader = new ByteReader(bytes, WHAT, sketchCorrupt);
    const sketch = HyperLogLog.readFrom(reader);
    reader.end();
    return sketch;
  }

  /** Reads one sketch from a larger buffer. @throws BallastError `SKETCH_CORRUPT` for impossible contents. */
  static readFrom(reader: ByteReader): HyperLogLog {
    const version = reader.u8();
    if (version !== FORMAT_VERSION) throw corrupt(`unknown format version ${version}`);
    const precision = reader.u8();
    if (precision < 4 || precision > 18) throw corrupt(`precision ${precision} is out of range`);
    const sketch = new HyperLogLog({ precision });
    const maxRank = 64 - precision + 1;
    const registers = sketch.#registers;
    const encoding = reader.u8();
    if (encoding === DENSE) {
      registers.set(reader.bytes(registers.length));
    } else if (encoding === SPARSE) {
      const count = reader.u32();
      if (count > registers.length) throw corrupt(`${count} sparse registers exceed ${registers.length}`);
      for (let i = 0; i < count; i++) {
        const index = reader.u32();
        const value = reader.u8();
        if (index >= registers.length || value === 0) throw corrupt(`bad sparse register ${index}`);
        registers[index] = value;
      }
    } else {
      throw corrupt(`unknown register encoding ${encoding}`);
    }
    for (const register of registers) {
      if (register > maxRank) throw corrupt(`register value ${register} exceeds ${maxRank}`);
    }
    return sketch;
  }
}

/** σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1) (Ertl 2017, eq. for the zero-register correction). */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

/** τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^(−k)) / 3 (Ertl 2017, the saturated-register correction). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}
