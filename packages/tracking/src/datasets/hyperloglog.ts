/**
 * HyperLogLog distinct-count sketch (Flajolet, Fusy, Gandouet, Meunier: "HyperLogLog: the analysis of
 * a near-optimal cardinality estimation algorithm", AofA 2007), with the linear-counting correction
 * for small cardinalities from the same paper. 2^12 registers of one byte: 4 KiB per column, relative
 * standard error 1.04/√4096 ≈ 1.6%. No maintained JavaScript package with a stable, mergeable
 * register layout fit, so it is written here (CONVENTIONS §7).
 */
export class HyperLogLog {
  static readonly PRECISION = 12;
  readonly #registers = new Uint8Array(1 << HyperLogLog.PRECISION);

  /** Adds a value by its string key (equal keys count once). */
  add(key: string): void {
    this.addHash(hashString(key));
  }

  /** Adds a precomputed 32-bit hash. */
  addHash(hash: number): void {
    const p = HyperLogLog.PRECISION;
    const index = hash >>> (32 - p);
    // Rank: position of the first 1-bit in the remaining 32 - p bits, 1-based; 32 - p + 1 when all 0.
    const rest = (hash << p) >>> 0;
    const rank = rest === 0 ? 32 - p + 1 : Math.clz32(rest) + 1;
    if (rank > this.#registers[index]!) this.#registers[index] = rank;
  }

  /** The estimated number of distinct keys added. */
  estimate(): number {
    const m = this.#registers.length;
    let sum = 0;
    let zeros = 0;
    for (const register of this.#registers) {
      sum += 2 ** -register;
      if (register === 0) zeros += 1;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    const two32 = 2 ** 32;
    if (raw > two32 / 30) return Math.round(-two32 * Math.log(1 - raw / two32));
    return Math.round(raw);
  }
}

/**
 * A 32-bit hash of a string: FNV-1a over the UTF-16 code units, then MurmurHash3's fmix32 finaliser,
 * which spreads FNV's weak high bits so the register index (the top bits) is uniform.
 */
export function hashString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    h = Math.imul(h ^ (unit & 0xff), 0x01000193);
    h = Math.imul(h ^ (unit >>> 8), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
