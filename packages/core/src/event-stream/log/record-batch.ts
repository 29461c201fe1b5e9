import { Buffer } from "node:buffer";
import { crc32 } from "../../checksum/crc32.js";
import { BallastError } from "../../errors/index.js";

/**
 * Binary framing of the embedded log: one frame per partition per `append` call, holding that call's
 * records. The layout is fixed in docs/decisions/0002-event-log-format.md; change it only by adding a
 * new `magic` value.
 */
export const BATCH_HEADER_BYTES = 24;
const MAGIC = 1;
const TWO_32 = 2 ** 32;

/**
 * A record ready to frame: key, header and value bytes already encoded. An `EventRecordInput` that
 * already holds bytes has this shape, so the common case is framed without a copy of the object.
 */
export interface FrameInput {
  key?: Uint8Array | null;
  value: Uint8Array;
  /** Epoch milliseconds; the batch's default time when absent. */
  timestamp?: number;
  headers?: readonly (readonly [Uint8Array, Uint8Array])[];
}

/** A decoded record; byte fields are views into the frame's buffer. */
export interface FramedRecord {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array;
  headers: [Uint8Array, Uint8Array][];
}

/**
 * Bytes a record takes besides its key, header and value bytes: recordLength, offsetDelta,
 * timestamp, keyLength, headerCount, valueLength.
 */
export const RECORD_FIXED_BYTES = 4 + 4 + 8 + 4 + 2 + 4;

/** Size of the frame `encodeBatch` would produce. */
export function batchBytes(records: readonly FrameInput[]): number {
  let size = BATCH_HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    const { key, value, headers } = records[i]!;
    size += RECORD_FIXED_BYTES + (key ? key.length : 0) + value.length;
    if (headers) for (const [name, v] of headers) size += 2 + name.length + 4 + v.length;
  }
  return size;
}

function readInt64(view: DataView, at: number): number {
  return view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
}

/**
 * Frames records as one batch whose first record gets `baseOffset`. One CRC covers the whole frame:
 * computing it per record costs more than the write itself in Node (a native call per record).
 * With `scratch` large enough, the frame is built in it (a view is returned), which spares the
 * allocation and the garbage collection of a fresh buffer per append.
 */
export function encodeBatch(
  baseOffset: number,
  records: readonly FrameInput[],
  options: { now?: number; scratch?: Uint8Array; size?: number } = {},
): Uint8Array {
  return sealBatch(encodeUnsealedBatch(baseOffset, records, options));
}

/**
 * Writes the CRC (bytes 4–7) of a frame from `encodeUnsealedBatch`, which covers bytes 8 to the end,
 * and returns the frame.
 */
export function sealBatch(frame: Uint8Array): Uint8Array {
  new DataView(frame.buffer, frame.byteOffset + 4, 4).setUint32(0, crc32(frame.subarray(8)));
  return frame;
}

/**
 * `encodeBatch` without the CRC: bytes 4–7 are left as they were, for `sealBatch` to fill. Split so
 * that the bytes the CRC covers can be written to the file while their CRC is computed.
 */
export function encodeUnsealedBatch(
  baseOffset: number,
  records: readonly FrameInput[],
  options: { now?: number; scratch?: Uint8Array; size?: number } = {},
): Uint8Array {
  const { now = Date.now(), scratch } = options;
  const count = records.length;
  if (count > 0xffff_ffff || count === 0) {
    throw new RangeError(`a batch holds 1 to 2^32-1 records, got ${count}`);
  }
  // A size the caller already computed with batchBytes saves a pass over the records.
  const size = options.size ?? batchBytes(records);
  // Unzeroed memory is safe here: every byte of the frame but the CRC is written below, and
  // sealBatch writes that.
  const frame = scratch && scratch.length >= size ? scratch.subarray(0, size) : Buffer.allocUnsafe(size);
  const view = new DataView(frame.buffer, frame.byteOffset, size);
  view.setUint32(0, size - 8);
  view.setUint32(8, MAGIC << 24);
  const baseHigh = Math.floor(baseOffset / TWO_32);
  view.setInt32(12, baseHigh);
  view.setUint32(16, baseOffset - baseHigh * TWO_32);
  view.setUint32(20, count);
  // Most records take the batch's time: its two halves are split once, not per record.
  const nowHigh = Math.floor(now / TWO_32);
  const nowLow = now - nowHigh * TWO_32;
  let at = BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const { key, value, timestamp, headers } = records[i]!;
    // recordLength is filled in once the record is written, which saves a size pass per record.
    const start = at;
    view.setUint32(at + 4, i);
    if (timestamp === undefined) {
      view.setInt32(at + 8, nowHigh);
      view.setUint32(at + 12, nowLow);
    } else {
      const high = Math.floor(timestamp / TWO_32);
      view.setInt32(at + 8, high);
      view.setUint32(at + 12, timestamp - high * TWO_32);
    }
    at += 16;
    if (key) {
      view.setInt32(at, key.length);
      frame.set(key, at + 4);
      at += 4 + key.length;
    } else {
      view.setInt32(at, -1);
      at += 4;
    }
    if (headers) {
      view.setUint16(at, headers.length);
      at += 2;
      for (const [name, v] of headers) {
        view.setUint16(at, name.length);
        frame.set(name, at + 2);
        at += 2 + name.length;
        view.setUint32(at, v.length);
        frame.set(v, at + 4);
        at += 4 + v.length;
      }
    } else {
      view.setUint16(at, 0);
      at += 2;
    }
    view.setUint32(at, value.length);
    frame.set(value, at + 4);
    at += 4 + value.length;
    view.setUint32(start, at - start - 4);
  }
  return frame;
}

/** What `inspectBatch` found at a position of a segment. */
export type BatchCheck =
  | { kind: "ok"; size: number; baseOffset: number; count: number }
  /** Fewer bytes than the frame claims: a write in progress or torn by a crash. */
  | { kind: "incomplete"; needed: number }
  | { kind: "corrupt"; reason: string };

/** Validates the frame at `at` (length, magic, CRC) without decoding its records. */
export function inspectBatch(buffer: Uint8Array, at: number): BatchCheck {
  const available = buffer.length - at;
  if (available < BATCH_HEADER_BYTES) return { kind: "incomplete", needed: BATCH_HEADER_BYTES };
  const view = new DataView(buffer.buffer, buffer.byteOffset + at, available);
  const size = view.getUint32(0) + 8;
  if (size < BATCH_HEADER_BYTES) return { kind: "corrupt", reason: `frame length ${size} is too small` };
  if (view.getUint8(8) !== MAGIC) return { kind: "corrupt", reason: `unknown magic ${view.getUint8(8)}` };
  if (available < size) return { kind: "incomplete", needed: size };
  if (crc32(buffer.subarray(at + 8, at + size)) !== view.getUint32(4)) {
    return { kind: "corrupt", reason: "CRC mismatch" };
  }
  return { kind: "ok", size, baseOffset: readInt64(view, 12), count: view.getUint32(20) };
}

function corrupt(reason: string): BallastError {
  return new BallastError("STREAM_LOG_CORRUPT", `Corrupt record batch in the event log: ${reason}.`, {
    hint: "Restore the segment from a backup, or truncate it at the last valid batch.",
  });
}

/**
 * Decodes the frame at `at`, which must have passed `inspectBatch`. A record whose fields overrun
 * their declared length throws `STREAM_LOG_CORRUPT` (possible only if the CRC itself collided).
 */
export function decodeBatch(buffer: Uint8Array, at: number, size: number): FramedRecord[] {
  const view = new DataView(buffer.buffer, buffer.byteOffset + at, size);
  const baseOffset = readInt64(view, 12);
  const count = view.getUint32(20);
  const records: FramedRecord[] = new Array(count);
  let p = BATCH_HEADER_BYTES;
  const bytes = (start: number, length: number, end: number) => {
    if (length < 0 || start + length > end) throw corrupt("a field overruns its record");
    return buffer.subarray(at + start, at + start + length);
  };
  for (let i = 0; i < count; i++) {
    if (p + 4 > size) throw corrupt("record count exceeds the frame");
    const end = p + 4 + view.getUint32(p);
    if (end > size || end < p + 26) throw corrupt("record length out of range");
    const offset = baseOffset + view.getUint32(p + 4);
    const timestamp = readInt64(view, p + 8);
    const keyLength = view.getInt32(p + 16);
    p += 20;
    const key = keyLength === -1 ? null : bytes(p, keyLength, end);
    if (key) p += keyLength;
    const headerCount = view.getUint16(p);
    p += 2;
    const headers: [Uint8Array, Uint8Array][] = [];
    for (let h = 0; h < headerCount; h++) {
      if (p + 2 > end) throw corrupt("a header overruns its record");
      const name = bytes(p + 2, view.getUint16(p), end);
      p += 2 + name.length;
      if (p + 4 > end) throw corrupt("a header overruns its record");
      const value = bytes(p + 4, view.getUint32(p), end);
      p += 4 + value.length;
      headers.push([name, value]);
    }
    if (p + 4 > end) throw corrupt("the value overruns its record");
    const value = bytes(p + 4, view.getUint32(p), end);
    p += 4 + value.length;
    if (p !== end) throw corrupt("record length does not match its fields");
    records[i] = { offset, timestamp, key, value, headers };
  }
  if (p !== size) throw corrupt("frame length does not match its records");
  return records;
}
