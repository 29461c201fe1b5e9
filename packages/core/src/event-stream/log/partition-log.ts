import { writeSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { BallastError } from "../../errors/index.js";
import { decodeBatch, type FramedRecord, inspectBatch, sealBatch } from "./record-batch.js";
import { scanSegment } from "./segment-scan.js";
import { SparseIndex } from "./sparse-index.js";

const SEGMENT_SUFFIX = ".log";
// Frames larger than this get a buffer of their own instead of growing the reused one.
const MAX_SCRATCH = 16 * 1024 * 1024;

/** Segment files are named by their first offset, zero-padded so names sort like numbers. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, "0")}${SEGMENT_SUFFIX}`;
}

interface Segment {
  baseOffset: number;
  path: string;
  /** Bytes of valid frames; readers never look past it. */
  size: number;
  /** Built on open for the active segment, on first read for older ones. */
  index: SparseIndex | undefined;
}

/** What a read returned. */
export interface PartitionRead {
  records: FramedRecord[];
  highWatermark: number;
}

function corruptSegment(path: string, reason: string | undefined): BallastError {
  return new BallastError("STREAM_LOG_CORRUPT", `Event log segment ${path} is damaged (${reason}).`, {
    hint: "Restore the partition directory from a backup; records after the damage cannot be read.",
  });
}

/**
 * One partition of the embedded log: a directory of segment files. The writer appends whole frames
 * at the end of the active segment and rolls to a new one past `segmentBytes`; a read-only view
 * (another process) follows the files with `refresh()`.
 */
export class PartitionLog {
  readonly #segments: Segment[] = [];
  #writer: FileHandle | undefined;
  /** Sync and close of the segment sealed by the last roll, running in the background. */
  #sealing: Promise<void> = Promise.resolve();
  #sealError: unknown;
  #nextOffset = 0;
  #dirty = false;
  /** Reused frame buffer: appends are serialized, and a frame is not kept once written. */
  #scratch: Uint8Array | undefined;

  private constructor(
    readonly directory: string,
    readonly writable: boolean,
    readonly segmentBytes: number,
  ) {}

  /**
   * Opens a partition. A writable open scans the last segment and truncates a torn or damaged tail
   * back to the last valid frame (what a crash mid-write leaves); a read-only open stops there.
   */
  static async open(directory: string, writable: boolean, segmentBytes: number): Promise<PartitionLog> {
    const log = new PartitionLog(directory, writable, segmentBytes);
    if (writable) await mkdir(directory, { recursive: true });
    await log.refresh();
    if (writable) {
      await log.#recoverSealedTail();
      if (log.#segments.length === 0) await log.#startSegment(0);
      else {
        const last = log.#segments.at(-1)!;
        log.#writer = await open(last.path, "r+");
        await log.#writer.truncate(last.size);
      }
    }
    return log;
  }

  /**
   * The segment sealed by the last roll is synced in the background, so a power loss right after a
   * roll can tear its tail too. If so, it is cut at its last valid frame and the segments after it
   * are deleted: their records would follow a gap.
   */
  async #recoverSealedTail(): Promise<void> {
    if (this.#segments.length < 2) return;
    const previous = this.#segments.at(-2)!;
    const last = this.#segments.at(-1)!;
    const index = new SparseIndex();
    const file = await open(previous.path, "r");
    let scan: Awaited<ReturnType<typeof scanSegment>>;
    try {
      scan = await scanSegment(file, previous.size, 0, previous.baseOffset, (o, p) => index.add(o, p));
    } finally {
      await file.close();
    }
    previous.index = index;
    if (scan.stop === "end" && scan.nextOffset === last.baseOffset) return;
    await rm(last.path);
    this.#segments.pop();
    previous.size = scan.validEnd;
    this.#nextOffset = scan.nextOffset;
  }

  /** Offset the next appended record gets. */
  get highWatermark(): number {
    return this.#nextOffset;
  }

  get earliestOffset(): number {
    return this.#segments[0]?.baseOffset ?? 0;
  }

  /**
   * Re-reads the directory and extends the last segment past its known valid end. The writer calls
   * it once on open; read-only views call it to see another process's appends.
   */
  async refresh(): Promise<void> {
    const names = (await readdir(this.directory).catch(() => [] as string[]))
      .filter((name) => name.endsWith(SEGMENT_SUFFIX))
      .sort();
    for (const name of names) {
      const baseOffset = Number(name.slice(0, -SEGMENT_SUFFIX.length));
      if (this.#segments.some((segment) => segment.baseOffset === baseOffset)) continue;
      const previous = this.#segments.at(-1);
      // A newer segment exists, so the previous one was sealed: its index is built on first read.
      if (previous) {
        previous.size = (await stat(previous.path)).size;
        previous.index = undefined;
      }
      this.#segments.push({ baseOffset, path: join(this.directory, name), size: 0, index: undefined });
      this.#nextOffset = baseOffset;
    }
    const last = this.#segments.at(-1);
    if (!last) return;
    last.index ??= new SparseIndex();
    const file = await open(last.path, "r");
    try {
      const fileSize = (await file.stat()).size;
      const scan = await scanSegment(file, fileSize, last.size, this.#nextOffset, (offset, position) =>
        last.index!.add(offset, position),
      );
      last.size = scan.validEnd;
      this.#nextOffset = scan.nextOffset;
    } finally {
      await file.close();
    }
  }

  async #startSegment(baseOffset: number): Promise<void> {
    const path = join(this.directory, segmentFileName(baseOffset));
    this.#writer = await open(path, "wx");
    this.#segments.push({ baseOffset, path, size: 0, index: new SparseIndex() });
  }

  /**
   * Writes one frame built by `encode(baseOffset)` (unsealed: see `encodeUnsealedBatch`) holding
   * `count` records, and returns its base offset. Callers serialize appends: offsets are handed out
   * in call order.
   */
  async append(
    count: number,
    frameBytes: number,
    encode: (baseOffset: number, scratch: Uint8Array) => Uint8Array,
    sealSync: boolean,
  ): Promise<number> {
    this.#throwSealError();
    const baseOffset = this.#nextOffset;
    if (frameBytes <= MAX_SCRATCH && (this.#scratch?.length ?? 0) < frameBytes) {
      this.#scratch = new Uint8Array(Math.max(frameBytes, 1 << 16) * 2);
    }
    const frame = encode(baseOffset, this.#scratch ?? new Uint8Array(0));
    let segment = this.#segments.at(-1)!;
    if (segment.size > 0 && segment.size + frame.length > this.segmentBytes) {
      // The sealed segment is synced (unless the policy is "never") and closed in the background:
      // waiting would stall this append for the whole segment's flush. The next roll, sync or
      // close waits for it, and reopening checks its tail (#recoverSealedTail).
      const sealed = this.#writer!;
      await this.#sealing;
      this.#throwSealError();
      this.#sealing = (async () => {
        try {
          if (sealSync) await sealed.datasync();
        } finally {
          await sealed.close();
        }
      })().catch((error: unknown) => {
        this.#sealError ??= error;
      });
      await this.#startSegment(baseOffset);
      segment = this.#segments.at(-1)!;
    }
    // The bytes the CRC covers (8 to the end) are written by the thread pool while the CRC is
    // computed here: the CRC costs about half as much as the write, and this thread would
    // otherwise wait idle. The length and CRC (bytes 0-7) follow once both are done, so until then
    // the frame starts with a hole (zeros) or, after a failed append, that append's leftovers: a
    // crash between the two writes leaves a tail that fails the length or CRC check, which
    // recovery truncates like any torn frame and a read-only view treats as not yet written. The
    // append resolves only after both writes, so an acknowledged frame is whole in the page cache.
    const writer = this.#writer!;
    const body = writer.write(frame, 8, frame.length - 8, segment.size + 8);
    // Awaited below; the handler only keeps a rejection from being reported as unhandled meanwhile.
    body.catch(() => undefined);
    sealBatch(frame);
    this.#checkWrite((await body).bytesWritten, frame.length - 8, segment.path);
    // Synchronous on purpose: 8 bytes into a page the body write just touched take a microsecond
    // or two, while an asynchronous write's thread-pool round trip (~15 us) costs more than the
    // overlap above saves.
    this.#checkWrite(writeSync(writer.fd, frame, 0, 8, segment.size), 8, segment.path);
    segment.index!.add(baseOffset, segment.size);
    segment.size += frame.length;
    this.#nextOffset = baseOffset + count;
    this.#dirty = true;
    return baseOffset;
  }

  #checkWrite(bytesWritten: number, expected: number, path: string): void {
    if (bytesWritten !== expected) {
      throw new BallastError("STREAM_ERROR", `Short write to ${path} (${bytesWritten} bytes).`, {
        hint: "Check free disk space; the partial frame is dropped when the log is reopened.",
      });
    }
  }

  #throwSealError(): void {
    if (this.#sealError === undefined) return;
    const cause = this.#sealError;
    this.#sealError = undefined;
    throw new BallastError("STREAM_ERROR", `Flushing a sealed segment of ${this.directory} failed.`, {
      cause,
      hint: "Records of that segment may not survive a power loss; check the disk.",
    });
  }

  /** Flushes written frames to the device, when any were written since the last sync. */
  async sync(): Promise<void> {
    await this.#sealing;
    this.#throwSealError();
    if (!this.#dirty || !this.#writer) return;
    this.#dirty = false;
    await this.#writer.datasync();
  }

  async #ensureIndex(segment: Segment, nextBase: number): Promise<SparseIndex> {
    if (segment.index) return segment.index;
    const index = new SparseIndex();
    const file = await open(segment.path, "r");
    try {
      const scan = await scanSegment(file, segment.size, 0, segment.baseOffset, (o, p) => index.add(o, p));
      if (scan.stop !== "end" || scan.nextOffset !== nextBase)
        throw corruptSegment(segment.path, scan.reason);
    } finally {
      await file.close();
    }
    segment.index = index;
    return index;
  }

  /** Reads up to `maxRecords` records from `offset` (clamped to the earliest), or none at the end. */
  async read(offset: number, maxRecords: number, maxBytes: number): Promise<PartitionRead> {
    const highWatermark = this.#nextOffset;
    const from = Math.max(offset, this.earliestOffset);
    if (from >= highWatermark) return { records: [], highWatermark };
    let s = this.#segments.length - 1;
    while (s > 0 && this.#segments[s]!.baseOffset > from) s--;
    const records: FramedRecord[] = [];
    for (; s < this.#segments.length && records.length < maxRecords; s++) {
      const segment = this.#segments[s]!;
      const end = segment.size;
      const nextBase = this.#segments[s + 1]?.baseOffset ?? highWatermark;
      if (nextBase <= from) continue;
      let position = (await this.#ensureIndex(segment, nextBase)).lookup(from);
      const file = await open(segment.path, "r");
      try {
        while (position < end && records.length < maxRecords) {
          const length = Math.min(Math.max(maxBytes, 1 << 16), end - position);
          let buffer = new Uint8Array(length);
          await file.read(buffer, 0, length, position);
          let check = inspectBatch(buffer, 0);
          if (check.kind === "incomplete" && position + check.needed <= end) {
            buffer = new Uint8Array(check.needed);
            await file.read(buffer, 0, check.needed, position);
            check = inspectBatch(buffer, 0);
          }
          let inner = 0;
          while (check.kind === "ok" && records.length < maxRecords) {
            if (check.baseOffset + check.count > from) {
              for (const record of decodeBatch(buffer, inner, check.size)) {
                if (record.offset >= from && records.length < maxRecords) records.push(record);
              }
            }
            inner += check.size;
            if (inner >= buffer.length) break;
            check = inspectBatch(buffer, inner);
          }
          if (check.kind === "corrupt") throw corruptSegment(segment.path, check.reason);
          if (inner === 0) throw corruptSegment(segment.path, "frame extends past the valid end");
          position += inner;
        }
      } finally {
        await file.close();
      }
    }
    return { records, highWatermark };
  }

  async close(): Promise<void> {
    const writer = this.#writer;
    this.#writer = undefined;
    await this.#sealing;
    await writer?.close();
    this.#throwSealError();
  }
}
