import type { FileHandle } from "node:fs/promises";
import { inspectBatch } from "./record-batch.js";

/** How a scan ended: at the end of the file, or at the first frame that is torn or damaged. */
export interface ScanResult {
  /** Position just past the last valid frame. */
  validEnd: number;
  /** Offset the next frame after `validEnd` must start with. */
  nextOffset: number;
  stop: "end" | "incomplete" | "corrupt";
  reason?: string;
}

const CHUNK = 1 << 20;

/**
 * Walks the frames of a segment from `position` (where `offset` starts), checking length, CRC and
 * offset continuity, and reports each valid frame to `onFrame`. Reads in 1 MiB chunks (more for a
 * larger frame), so memory stays bounded whatever the segment size.
 */
export async function scanSegment(
  file: FileHandle,
  fileSize: number,
  position: number,
  offset: number,
  onFrame: (baseOffset: number, position: number) => void,
): Promise<ScanResult> {
  let at = position;
  let next = offset;
  while (at < fileSize) {
    let length = Math.min(CHUNK, fileSize - at);
    let buffer = new Uint8Array(length);
    await file.read(buffer, 0, length, at);
    let inner = 0;
    while (inner < buffer.length) {
      const check = inspectBatch(buffer, inner);
      if (check.kind === "ok") {
        if (check.baseOffset !== next) {
          return {
            validEnd: at + inner,
            nextOffset: next,
            stop: "corrupt",
            reason: "offsets not contiguous",
          };
        }
        onFrame(check.baseOffset, at + inner);
        next += check.count;
        inner += check.size;
        continue;
      }
      if (check.kind === "corrupt") {
        return { validEnd: at + inner, nextOffset: next, stop: "corrupt", reason: check.reason };
      }
      // Incomplete inside this chunk: either the frame continues past the chunk (read again from
      // the frame's start) or the file ends mid-frame (a torn tail).
      if (at + inner + check.needed > fileSize) {
        return { validEnd: at + inner, nextOffset: next, stop: "incomplete" };
      }
      if (inner === 0) {
        length = check.needed;
        buffer = new Uint8Array(length);
        await file.read(buffer, 0, length, at);
        continue;
      }
      break;
    }
    at += inner;
  }
  return { validEnd: at, nextOffset: next, stop: "end" };
}
