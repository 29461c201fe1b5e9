import type { FileHandle } from "node:fs/promises";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { acquireLockFile, describeLockOwner, type HeldLock, type LogicalType } from "@ballast/core";
import { OnlineStoreError } from "../online-store-error.js";
import {
  checkViewRef,
  closedError,
  isNewerOrEqual,
  type PreparedRecord,
  prepareWrite,
} from "../prepare-write.js";
import type {
  OnlineEntry,
  OnlineReadRequest,
  OnlineReadResult,
  OnlineStore,
  OnlineValue,
  OnlineWriteRequest,
  OnlineWriteResult,
} from "../types.js";
import { decodeValue, encodeValue } from "../value-codec.js";
import { encodeFrame, scanFrames } from "./frame.js";

/** Options of {@link createEmbeddedOnlineStore}. */
export interface EmbeddedOnlineStoreOptions {
  /** A directory (created when missing) or `":memory:"` for a store that lives only in this process. */
  path: string;
  /**
   * Compact the write log into a new snapshot once it grows past this many bytes (default 64 MiB).
   * Compaction also drops expired entries.
   */
  compactAfterBytes?: number;
  /** fsync the log after every write (default false: a write survives a process crash, not a power loss, until close). */
  syncWrites?: boolean;
  /** Clock for expiry, epoch ms (default `Date.now`). */
  now?: () => number;
}

/** The embedded online store: an {@link OnlineStore} with an explicit compaction. */
export interface EmbeddedOnlineStore extends OnlineStore {
  readonly kind: "embedded";
  /** Rewrites the snapshot from memory (dropping expired entries) and starts an empty log. */
  compact(): Promise<void>;
}

interface Entry {
  eventTime: number;
  createdTime: number | undefined;
  /** Absolute expiry in epoch ms; Infinity = never. */
  expiresAt: number;
  /** Values by slot of the view; a slot past the end is null. */
  values: OnlineValue[];
}

interface ViewTable {
  slots: Map<string, number>;
  types: LogicalType[];
  entries: Map<string, Entry>;
}

/** One logged batch of applied records: [entityKey, eventTime, createdTime|null, expiresAt|null, ...values]. */
interface WriteFrame {
  t: "w";
  v: string;
  f: string[];
  ty: LogicalType[];
  r: (string | number | null)[][];
}
interface DeleteFrame {
  t: "d";
  v: string;
}
interface HeaderFrame {
  t: "h";
  format: 1;
  generation: number;
}
type Frame = WriteFrame | DeleteFrame | HeaderFrame;

const SNAPSHOT = "snapshot";
const SNAPSHOT_TEMP = "snapshot.tmp";
const SNAPSHOT_CHUNK = 5_000;
const logName = (generation: number) => `log-${generation}.wal`;

function corrupt(file: string, reason: string): OnlineStoreError {
  return new OnlineStoreError(
    "ONLINE_STORE_CORRUPT",
    `The embedded online store file ${file} is corrupt: ${reason}.`,
    {
      hint: "Restore the directory from a backup, or delete it and materialize again.",
      details: { file },
    },
  );
}

async function fsyncDirectory(path: string): Promise<void> {
  // Makes a rename durable. Not every platform can open a directory (Windows), so failure is ignored.
  try {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort, see above
  }
}

class EmbeddedStore implements EmbeddedOnlineStore {
  readonly specificationVersion = "v1" as const;
  readonly kind = "embedded" as const;
  private readonly views = new Map<string, ViewTable>();
  private readonly checked = new WeakSet<OnlineReadRequest["features"]>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private broken: unknown;
  private log: FileHandle | undefined;
  private logBytes = 0;
  private generation = 0;
  private lock: HeldLock | undefined;
  private readonly now: () => number;
  private readonly compactAfterBytes: number;
  private readonly syncWrites: boolean;
  private readonly dir: string | undefined;

  constructor(options: EmbeddedOnlineStoreOptions) {
    this.dir = options.path === ":memory:" ? undefined : options.path;
    this.now = options.now ?? Date.now;
    this.compactAfterBytes = options.compactAfterBytes ?? 64 * 1024 * 1024;
    this.syncWrites = options.syncWrites ?? false;
  }

  async open(): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    this.lock = await acquireLockFile(join(dir, "LOCK"), {
      onHeld: (owner, path) =>
        new OnlineStoreError(
          "ONLINE_STORE_LOCKED",
          `The embedded online store is locked by ${describeLockOwner(owner)}.`,
          {
            hint: `Close the other store (one writer per directory), or remove ${path} if that process is gone.`,
            retryable: true,
            details: { path },
          },
        ),
    });
    try {
      const snapshot = await readFile(join(dir, SNAPSHOT)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw error;
      });
      if (snapshot) {
        // A snapshot is renamed into place only after fsync, so any damage is corruption, not a torn tail.
        const scan = scanFrames(snapshot);
        if (scan.torn) throw corrupt(join(dir, SNAPSHOT), `bad frame at byte ${scan.validBytes}`);
        const header = scan.payloads[0] as Partial<HeaderFrame> | undefined;
        if (header?.t !== "h" || header.format !== 1 || typeof header.generation !== "number") {
          throw corrupt(join(dir, SNAPSHOT), "no header");
        }
        this.generation = header.generation;
        for (const payload of scan.payloads.slice(1)) this.replay(payload as Frame, join(dir, SNAPSHOT));
      }
      const logPath = join(dir, logName(this.generation));
      const logData = await readFile(logPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw error;
      });
      this.log = await open(logPath, "a");
      if (logData) {
        const scan = scanFrames(logData);
        for (const payload of scan.payloads) this.replay(payload as Frame, logPath);
        // A crash mid-append leaves a torn last frame: cut it so later appends follow valid data.
        if (scan.torn) {
          await this.log.truncate(scan.validBytes);
          await this.log.sync();
        }
        this.logBytes = scan.validBytes;
      }
      // Leftovers of an interrupted compaction: a temp snapshot, or the log the snapshot replaced.
      for (const name of await readdir(dir)) {
        if (name === SNAPSHOT_TEMP || (/^log-\d+\.wal$/.test(name) && name !== logName(this.generation))) {
          await rm(join(dir, name), { force: true });
        }
      }
    } catch (error) {
      await this.log?.close().catch(() => undefined);
      await this.lock.release();
      throw error;
    }
  }

  private table(view: string): ViewTable {
    let table = this.views.get(view);
    if (!table) {
      table = { slots: new Map(), types: [], entries: new Map() };
      this.views.set(view, table);
    }
    return table;
  }

  /** Slot of each feature in the view's value arrays, adding new features. */
  private slotsFor(
    table: ViewTable,
    view: string,
    names: readonly string[],
    types: readonly LogicalType[],
  ): number[] {
    const slots: number[] = new Array(names.length);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      let slot = table.slots.get(name);
      if (slot === undefined) {
        slot = table.types.length;
        table.slots.set(name, slot);
        table.types.push(types[i]!);
      } else if (JSON.stringify(table.types[slot]) !== JSON.stringify(types[i])) {
        throw new OnlineStoreError(
          "ONLINE_STORE_REQUEST_INVALID",
          `Feature "${name}" of view "${view}" is stored as ${JSON.stringify(table.types[slot])}; the write declares ${JSON.stringify(types[i])}.`,
          {
            hint: "Write a changed type to a new view version, or delete the view first.",
            details: { view, feature: name },
          },
        );
      }
      slots[i] = slot;
    }
    return slots;
  }

  private replay(frame: Frame, file: string): void {
    if (frame.t === "d") {
      this.views.delete(frame.v);
      return;
    }
    if (frame.t !== "w" || !Array.isArray(frame.r) || !Array.isArray(frame.f))
      throw corrupt(file, "unknown frame");
    const now = this.now();
    const table = this.table(frame.v);
    const slots = this.slotsFor(table, frame.v, frame.f, frame.ty);
    for (const row of frame.r) {
      const expiresAt = row[3] === null ? Number.POSITIVE_INFINITY : (row[3] as number);
      if (expiresAt <= now) continue;
      const entityKey = row[0] as string;
      const eventTime = row[1] as number;
      const createdTime = row[2] === null ? undefined : (row[2] as number);
      const current = table.entries.get(entityKey);
      const alive = current !== undefined && current.expiresAt > now;
      if (alive && !isNewerOrEqual(eventTime, createdTime, current.eventTime, current.createdTime)) continue;
      const values = alive ? current.values.slice() : [];
      for (let f = 0; f < slots.length; f++) {
        values[slots[f]!] = decodeValue(frame.ty[f]!, row[4 + f] as string);
      }
      table.entries.set(entityKey, { eventTime, createdTime, expiresAt, values });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw closedError("embedded");
  }

  /** Runs `task` after every earlier write, delete or compaction. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.broken) throw this.broken;
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async append(frame: Frame): Promise<void> {
    const log = this.log;
    if (!log) return;
    const bytes = encodeFrame(frame);
    try {
      await log.write(bytes, 0, bytes.length);
      if (this.syncWrites) await log.sync();
    } catch (error) {
      // Cut a partial frame so the log stays a valid prefix; if even that fails, stop writing.
      await log.truncate(this.logBytes).catch((truncateError: unknown) => {
        this.broken = new OnlineStoreError(
          "ONLINE_STORE_ERROR",
          "The embedded online store log could not be repaired.",
          {
            cause: truncateError,
            hint: "Close and reopen the store; reopening cuts the torn tail.",
          },
        );
      });
      throw new OnlineStoreError(
        "ONLINE_STORE_ERROR",
        "Writing the embedded online store log failed; nothing was applied.",
        {
          cause: error,
          retryable: true,
          hint: "Check free disk space and permissions, then retry the write.",
        },
      );
    }
    this.logBytes += bytes.length;
  }

  write(request: OnlineWriteRequest): Promise<OnlineWriteResult> {
    try {
      this.assertOpen();
      const prepared = prepareWrite(request);
      return this.serialize(() => this.applyWrite(request, prepared));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async applyWrite(
    request: OnlineWriteRequest,
    prepared: PreparedRecord[],
  ): Promise<OnlineWriteResult> {
    const now = this.now();
    const expiresAt =
      request.expireAfterMs === undefined ? Number.POSITIVE_INFINITY : now + request.expireAfterMs;
    const names = request.features.map((f) => f.name);
    const types = request.features.map((f) => f.type);
    const existing = this.views.get(request.view);
    // Decide against the current state, log, then apply: a failed log write changes nothing.
    const table = existing ?? { slots: new Map(), types: [], entries: new Map() };
    const slots = this.slotsFor(table, request.view, names, types);
    const applied: PreparedRecord[] = [];
    // A key may repeat within one batch: records apply one by one, as separate writes would.
    const winners = new Map<string, PreparedRecord>();
    let written = 0;
    for (const record of prepared) {
      const pending = winners.get(record.entityKey);
      if (pending) {
        if (isNewerOrEqual(record.eventTime, record.createdTime, pending.eventTime, pending.createdTime)) {
          winners.set(record.entityKey, record);
          written++;
        }
        continue;
      }
      const current = table.entries.get(record.entityKey);
      if (
        current === undefined ||
        current.expiresAt <= now ||
        isNewerOrEqual(record.eventTime, record.createdTime, current.eventTime, current.createdTime)
      ) {
        winners.set(record.entityKey, record);
        written++;
      }
    }
    for (const record of winners.values()) applied.push(record);
    if (applied.length > 0 && this.log) {
      const expiry = Number.isFinite(expiresAt) ? expiresAt : null;
      const rows = applied.map((record) => {
        const row: (string | number | null)[] = [
          record.entityKey,
          record.eventTime,
          record.createdTime ?? null,
          expiry,
        ];
        for (let f = 0; f < types.length; f++) row.push(encodeValue(types[f]!, record.values[f]!));
        return row;
      });
      await this.append({ t: "w", v: request.view, f: names, ty: types, r: rows });
    }
    if (!existing) this.views.set(request.view, table);
    for (const record of applied) {
      const current = table.entries.get(record.entityKey);
      const values = current !== undefined && current.expiresAt > now ? current.values.slice() : [];
      for (let f = 0; f < slots.length; f++) values[slots[f]!] = record.values[f]!;
      table.entries.set(record.entityKey, {
        eventTime: record.eventTime,
        createdTime: record.createdTime,
        expiresAt,
        values,
      });
    }
    if (this.logBytes > this.compactAfterBytes) await this.compactNow();
    return { written, skippedOlder: prepared.length - written };
  }

  read(requests: readonly OnlineReadRequest[]): Promise<OnlineReadResult[]> {
    try {
      this.assertOpen();
      const now = this.now();
      const results: OnlineReadResult[] = new Array(requests.length);
      for (let r = 0; r < requests.length; r++) {
        const request = requests[r]!;
        // A read plan reuses its features array, so each array is checked once.
        if (!this.checked.has(request.features) || typeof request.view !== "string" || request.view === "") {
          checkViewRef(request);
          this.checked.add(request.features);
        }
        const table = this.views.get(request.view);
        const keys = request.entityKeys;
        const out: (OnlineEntry | null)[] = new Array(keys.length).fill(null);
        results[r] = out;
        if (!table) continue;
        const features = request.features;
        const slots = new Int32Array(features.length);
        for (let f = 0; f < features.length; f++) slots[f] = table.slots.get(features[f]!.name) ?? -1;
        for (let k = 0; k < keys.length; k++) {
          const entry = table.entries.get(keys[k]!);
          if (entry === undefined) continue;
          if (entry.expiresAt <= now) {
            table.entries.delete(keys[k]!);
            continue;
          }
          const stored = entry.values;
          const values: OnlineValue[] = new Array(slots.length);
          for (let f = 0; f < slots.length; f++) {
            const slot = slots[f]!;
            const value = slot < 0 ? null : (stored[slot] ?? null);
            // Bytes are the one mutable value kind: hand out a copy so callers cannot edit the store.
            values[f] = value instanceof Uint8Array ? value.slice() : value;
          }
          out[k] =
            entry.createdTime === undefined
              ? { eventTime: entry.eventTime, values }
              : { eventTime: entry.eventTime, createdTime: entry.createdTime, values };
        }
      }
      return Promise.resolve(results);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  deleteView(view: string): Promise<void> {
    try {
      this.assertOpen();
      return this.serialize(async () => {
        if (!this.views.has(view)) return;
        await this.append({ t: "d", v: view });
        this.views.delete(view);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  compact(): Promise<void> {
    try {
      this.assertOpen();
      return this.serialize(() => this.compactNow());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Writes every live entry to a new snapshot (temp file, fsync, rename), then starts a new log. */
  private async compactNow(): Promise<void> {
    const dir = this.dir;
    if (!dir || !this.log) return;
    const now = this.now();
    const next = this.generation + 1;
    const tempPath = join(dir, SNAPSHOT_TEMP);
    const temp = await open(tempPath, "w");
    try {
      await temp.write(encodeFrame({ t: "h", format: 1, generation: next } satisfies HeaderFrame));
      for (const [view, table] of this.views) {
        const names = [...table.slots.keys()];
        let rows: (string | number | null)[][] = [];
        const flush = async () => {
          if (rows.length === 0) return;
          await temp.write(
            encodeFrame({ t: "w", v: view, f: names, ty: table.types, r: rows } satisfies WriteFrame),
          );
          rows = [];
        };
        for (const [key, entry] of table.entries) {
          if (entry.expiresAt <= now) {
            table.entries.delete(key);
            continue;
          }
          const row: (string | number | null)[] = [
            key,
            entry.eventTime,
            entry.createdTime ?? null,
            Number.isFinite(entry.expiresAt) ? entry.expiresAt : null,
          ];
          for (let s = 0; s < table.types.length; s++)
            row.push(encodeValue(table.types[s]!, entry.values[s] ?? null));
          rows.push(row);
          if (rows.length >= SNAPSHOT_CHUNK) await flush();
        }
        await flush();
      }
      await temp.sync();
    } finally {
      await temp.close();
    }
    await rename(tempPath, join(dir, SNAPSHOT));
    await fsyncDirectory(dir);
    // From here the snapshot is the state; the old log is only deleted after the new one exists.
    const oldLog = this.log;
    const oldGeneration = this.generation;
    this.log = await open(join(dir, logName(next)), "a");
    this.generation = next;
    this.logBytes = 0;
    await oldLog.close();
    await rm(join(dir, logName(oldGeneration)), { force: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    const log = this.log;
    this.log = undefined;
    if (log) {
      try {
        await log.sync();
      } finally {
        await log.close();
      }
    }
    await this.lock?.release();
    this.lock = undefined;
    this.views.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens the embedded online store: pure JavaScript (runs on Node.js and Deno), every entry in an
 * in-memory index for fast reads, persisted in a directory as a snapshot plus an append-only log of
 * CRC-checked write batches. Reopening replays the log and cuts a torn tail left by a crash; once
 * the log passes `compactAfterBytes` it is folded into a new snapshot (temp file, fsync, rename).
 * One writer per directory (a `LOCK` file). `path: ":memory:"` keeps everything in memory.
 * Expiry (`expireAfterMs`) is checked on every read.
 *
 * @throws OnlineStoreError `ONLINE_STORE_LOCKED` (another process has the directory open),
 *   `ONLINE_STORE_CORRUPT` (the snapshot fails its checksum).
 * @example
 * await using store = await createEmbeddedOnlineStore({ path: ".ballast/online" });
 */
export async function createEmbeddedOnlineStore(
  options: EmbeddedOnlineStoreOptions,
): Promise<EmbeddedOnlineStore> {
  if (typeof options.path !== "string" || options.path === "") {
    throw new OnlineStoreError("ONLINE_STORE_REQUEST_INVALID", "The embedded online store needs a path.", {
      hint: 'Pass a directory, or ":memory:" for an in-process store.',
    });
  }
  const store = new EmbeddedStore(options);
  await store.open();
  return store;
}
