/**
 * A 64-bit hash of typed values for HyperLogLog: MurmurHash3 x86_32 (Austin Appleby, public domain
 * algorithm) run twice with two independent seeds, giving two 32-bit halves. HyperLogLog with p=14
 * uses 14 bits for the register and up to 50 for the rank, so 32 bits would saturate at a few billion
 * distinct values; 64 bits never do in practice.
 *
 * Values hash by meaning, not by storage: every number hashes by its float64 value (an int32 `1`, a
 * float64 `1.0` and an int64 `1n` collide on purpose, `-0` equals `0`), a string by its UTF-8 bytes
 * (so an Arrow Utf8 buffer and a JavaScript string agree), and a type tag keeps `1`, `"1"` and `true`
 * apart. Results are written to `out[0]` (high half) and `out[1]` (low half) to avoid allocation.
 */

const SEED_HIGH = 0x9747b28c;
const SEED_LOW = 0x3c6ef372;

export const TAG_NUMBER = 1;
export const TAG_STRING = 2;
export const TAG_BOOLEAN = 3;
export const TAG_BIG_INT = 4;

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes two 32-bit words (a float64's bits, an int64) under a type tag. */
export function hashWords(low: number, high: number, tag: number, out: Uint32Array): void {
  let a = mixBlock(SEED_HIGH ^ tag, low);
  a = mixBlock(a, high);
  let b = mixBlock(SEED_LOW ^ tag, low);
  b = mixBlock(b, high);
  out[0] = finish(a, 8);
  out[1] = finish(b, 8);
}

/** Hashes a number by its float64 value (`-0` as `0`). NaN is a value like any other here. */
export function hashNumber(value: number, out: Uint32Array): void {
  float[0] = value === 0 ? 0 : value;
  hashWords(words[0]!, words[1]!, TAG_NUMBER, out);
}

/** Hashes a boolean. */
export function hashBoolean(value: boolean, out: Uint32Array): void {
  hashWords(value ? 1 : 0, 0, TAG_BOOLEAN, out);
}

/** Hashes an int64: by its number value when it is a safe integer (so it equals the same number). */
export function hashBigInt(value: bigint, out: Uint32Array): void {
  if (value >= -9007199254740991n && value <= 9007199254740991n) {
    hashNumber(Number(value), out);
    return;
  }
  const wrapped = BigInt.asUintN(64, value);
  hashWords(Number(wrapped & 0xffffffffn), Number(wrapped >> 32n), TAG_BIG_INT, out);
}

/** Hashes `bytes[start, end)` (a UTF-8 string) under a tag. */
export function hashBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  tag: number,
  out: Uint32Array,
): void {
  let a = SEED_HIGH ^ tag;
  let b = SEED_LOW ^ tag;
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    const block = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    a = mixBlock(a, block);
    b = mixBlock(b, block);
  }
  const tail = end - i;
  if (tail > 0) {
    let k = bytes[i]!;
    if (tail > 1) k |= bytes[i + 1]! << 8;
    if (tail > 2) k |= bytes[i + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    b ^= k;
  }
  out[0] = finish(a, length);
  out[1] = finish(b, length);
}

/** Hashes a string by its UTF-8 bytes. */
export function hashString(value: string, out: Uint32Array): void {
  if (scratch.length < value.length * 3) scratch = new Uint8Array(value.length * 3);
  const { written } = encoder.encodeInto(value, scratch);
  hashBytes(scratch, 0, written, TAG_STRING, out);
}

/** A value a sketch can hash and key on. */
export type SketchValue = number | string | boolean | bigint;

/** Hashes any {@link SketchValue}. */
export function hashValue(value: SketchValue, out: Uint32Array): void {
  switch (typeof value) {
    case "number":
      hashNumber(value, out);
      return;
    case "string":
      hashString(value, out);
      return;
    case "boolean":
      hashBoolean(value, out);
      return;
    default:
      hashBigInt(value, out);
  }
}
