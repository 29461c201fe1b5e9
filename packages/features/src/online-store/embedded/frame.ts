import { Buffer } from "node:buffer";
import { crc32 } from "@ballast/core";

/** Bytes before each payload: its length and its CRC-32, both unsigned 32-bit big-endian. */
export const FRAME_HEADER_BYTES = 8;

/** Frames one JSON payload: `[length u32][crc32 u32][UTF-8 JSON]`. */
export function encodeFrame(payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload), "utf8");
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.writeUInt32BE(crc32(body), 4);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** The frames of a file, and where the valid prefix ends. */
export interface FrameScan {
  payloads: unknown[];
  /** Byte offset just past the last valid frame. */
  validBytes: number;
  /** True when bytes after `validBytes` are not a valid frame (a torn or corrupt tail). */
  torn: boolean;
}

/**
 * Reads frames from the start of `data` until the end or the first frame whose length runs past
 * the end, whose CRC does not match, or whose payload is not JSON.
 */
export function scanFrames(data: Uint8Array): FrameScan {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const payloads: unknown[] = [];
  let at = 0;
  while (at < buffer.length) {
    if (buffer.length - at < FRAME_HEADER_BYTES) return { payloads, validBytes: at, torn: true };
    const length = buffer.readUInt32BE(at);
    const end = at + FRAME_HEADER_BYTES + length;
    if (end > buffer.length) return { payloads, validBytes: at, torn: true };
    const body = buffer.subarray(at + FRAME_HEADER_BYTES, end);
    if (crc32(body) !== buffer.readUInt32BE(at + 4)) return { payloads, validBytes: at, torn: true };
    try {
      payloads.push(JSON.parse(body.toString("utf8")));
    } catch {
      return { payloads, validBytes: at, torn: true };
    }
    at = end;
  }
  return { payloads, validBytes: at, torn: false };
}
