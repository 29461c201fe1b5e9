import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { BallastError } from "../errors/index.js";
import type { DecodeReply, DecodeRequest } from "./parquet-decode-protocol.js";
import { asParquetError } from "./parquet-error.js";

/** Options of {@link ParquetDecodePool}. */
export interface ParquetDecodePoolOptions {
  /** Worker threads at most; default: the machine's available parallelism, at most 4. */
  size?: number;
  /** Workers idle this long are stopped, freeing their codec memory; default 10 s. */
  idleMs?: number;
}

interface Task {
  resolve(ipc: Uint8Array): void;
  reject(error: unknown): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Task>;
}

const DEFAULT_IDLE_MS = 10_000;

/**
 * A small pool of worker threads that decode Parquet row groups, so decoding runs on other cores
 * while the calling thread works on the row groups already decoded. Each worker holds its own
 * instance of the WebAssembly codec; bytes cross by transfer (the packed row group in, an Arrow IPC
 * stream out), never by structured clone of objects.
 *
 * Workers start on first use and stop after `idleMs` without work; an idle pool does not keep the
 * process alive. A worker that dies fails only its own row groups (with `PARQUET_ERROR`) and is
 * replaced on the next call.
 *
 * Readers take the pool through `decodeOn` ({@link scanParquet}, {@link readParquet}); most
 * callers use the process-wide {@link sharedParquetDecodePool}.
 *
 * @example
 * await using pool = new ParquetDecodePool({ size: 2 })
 * for await (const batch of scanParquet(store, "events.parquet", { decodeOn: pool, prefetch: 4 })) { ... }
 */
export class ParquetDecodePool {
  /** Worker threads at most. */
  readonly size: number;
  private readonly idleMs: number;
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /**
   * File buffers the workers handed back. Reusing them matters: a fresh buffer of a row group's size
   * costs the kernel a page fault per 4 KiB on first write, about as much as the fetch itself.
   */
  private readonly spares: ArrayBuffer[] = [];
  /** Buffers from {@link allocate}: transferable whole, whatever part of them a file uses. */
  private readonly lent = new WeakSet<ArrayBuffer>();

  constructor(options: ParquetDecodePoolOptions = {}) {
    const size = options.size ?? Math.min(4, availableParallelism());
    if (!(Number.isSafeInteger(size) && size > 0)) {
      throw new BallastError(
        "VALIDATION_FAILED",
        `ParquetDecodePool size must be a positive integer, got ${size}.`,
      );
    }
    this.size = size;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Row groups sent to workers and not yet answered. */
  get pending(): number {
    let count = 0;
    for (const entry of this.workers) count += entry.pending.size;
    return count;
  }

  /**
   * A buffer of `length` bytes for a packed file to {@link decode}, reusing one a worker handed
   * back when one is large enough.
   */
  allocate(length: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const size = this.spares[i]!.byteLength;
      if (size >= length && (best < 0 || size < this.spares[best]!.byteLength)) best = i;
    }
    const buffer = best >= 0 ? this.spares.splice(best, 1)[0]! : new ArrayBuffer(length);
    this.lent.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /**
   * Decodes one packed Parquet file (the codec's `readParquet`) on a worker and returns its Arrow IPC
   * stream. `file` is transferred: its buffer is detached from the caller when this returns.
   *
   * A codec failure rejects with an `Error` carrying the codec's message (wrap it the way an
   * in-thread failure is wrapped); a codec that cannot be loaded, a worker that stops and a closed
   * pool reject with `PARQUET_ERROR`; `signal` rejects with `ABORTED` at once (the worker's answer
   * is then dropped).
   */
  decode(file: Uint8Array, batchSize: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    if (this.closed) {
      return Promise.reject(new BallastError("PARQUET_ERROR", "The Parquet decode pool is closed."));
    }
    // Also a detached buffer (already transferred), which postMessage would drop without a word.
    if (file.byteLength === 0) {
      return Promise.reject(new BallastError("PARQUET_ERROR", "An empty row-group file cannot be decoded."));
    }
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    let entry: PoolWorker;
    try {
      entry = this.pick();
    } catch (error) {
      return Promise.reject(
        asParquetError(
          error,
          "start a Parquet decode worker",
          {},
          "Check that worker threads are available.",
        ),
      );
    }
    const id = this.nextId++;
    const request: DecodeRequest = { id, file, batchSize };
    return new Promise<Uint8Array>((resolve, reject) => {
      // An abort settles the task now; the worker's late answer is then ignored (settle finds no task).
      const onAbort = () => {
        if (!entry.pending.delete(id)) return;
        if (entry.pending.size === 0) entry.worker.unref();
        if (this.pending === 0) this.scheduleIdleStop();
        reject(aborted(signal!));
      };
      entry.pending.set(id, {
        resolve: (ipc) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(ipc);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      if (entry.pending.size === 1) entry.worker.ref();
      // Only a buffer from allocate, or one the view spans entirely, is ours to give away; a slice of
      // some other buffer is copied.
      const buffer = file.buffer as ArrayBuffer;
      const owned = this.lent.has(buffer) || (file.byteOffset === 0 && file.byteLength === buffer.byteLength);
      try {
        entry.worker.postMessage(request, owned ? [buffer] : []);
      } catch (error) {
        // Not sent (a detached buffer, say): forget the task, so nothing waits for it.
        entry.pending.delete(id);
        signal?.removeEventListener("abort", onAbort);
        if (entry.pending.size === 0) entry.worker.unref();
        reject(asParquetError(error, "send a row group to a Parquet decode worker", {}));
      }
    });
  }

  /** Stops every worker; row groups in flight fail with `PARQUET_ERROR`. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopAll("The Parquet decode pool was closed while decoding.");
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The least busy worker, starting a new one while the pool is below its size and all are busy. */
  private pick(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const entry of this.workers) if (!best || entry.pending.size < best.pending.size) best = entry;
    if (best && (best.pending.size === 0 || this.workers.length >= this.size)) return best;
    const entry = this.spawn();
    this.workers.push(entry);
    return entry;
  }

  private spawn(): PoolWorker {
    const { script, eval: isEval } = workerScript();
    const worker = new Worker(script, { eval: isEval });
    worker.unref();
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on("message", (reply: DecodeReply) => this.settle(entry, reply));
    const fail = (reason: string, cause?: unknown) => {
      this.remove(entry);
      const error = new BallastError("PARQUET_ERROR", reason, {
        ...(cause === undefined ? {} : { cause }),
        hint: "Retry; if it recurs, decode in the calling thread (omit decodeOn).",
      });
      for (const task of entry.pending.values()) task.reject(error);
      entry.pending.clear();
    };
    worker.on("error", (error) =>
      fail(
        `The Parquet decode worker failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      ),
    );
    worker.on("exit", (code) => {
      if (entry.pending.size > 0 || this.workers.includes(entry)) {
        fail(`The Parquet decode worker stopped (exit code ${code}) with row groups in flight.`);
      }
    });
    return entry;
  }

  private settle(entry: PoolWorker, reply: DecodeReply): void {
    const task = entry.pending.get(reply.id);
    if (!task) return;
    entry.pending.delete(reply.id);
    if (entry.pending.size === 0) {
      entry.worker.unref();
      if (this.pending === 0) this.scheduleIdleStop();
    }
    if (reply.ok) {
      if (this.spares.length < 2 * this.size + 2) this.spares.push(reply.spare);
      task.resolve(reply.ipc);
      return;
    }
    const error = Object.assign(new Error(reply.message), { name: reply.name });
    task.reject(
      reply.stage === "load"
        ? asParquetError(
            error,
            "load the parquet-wasm codec",
            {},
            "Reinstall @ballast/core's dependencies (npm ci).",
          )
        : error,
    );
  }

  private scheduleIdleStop(): void {
    if (this.idleTimer !== undefined || this.workers.length === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.pending === 0) void this.stopAll("");
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private remove(entry: PoolWorker): void {
    const at = this.workers.indexOf(entry);
    if (at >= 0) this.workers.splice(at, 1);
  }

  private async stopAll(reason: string): Promise<void> {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    // Spare file buffers go too: an idle pool should hold no row-group-sized memory.
    this.spares.length = 0;
    const entries = this.workers.splice(0);
    for (const entry of entries) {
      for (const task of entry.pending.values()) task.reject(new BallastError("PARQUET_ERROR", reason));
      entry.pending.clear();
    }
    await Promise.all(entries.map((entry) => entry.worker.terminate()));
  }
}

let shared: ParquetDecodePool | undefined;

/**
 * The process-wide decode pool (one worker per available core, at most 4), created on first call.
 * Its workers stop when idle, so holding it costs nothing between scans.
 */
export function sharedParquetDecodePool(): ParquetDecodePool {
  shared ??= new ParquetDecodePool();
  return shared;
}

/**
 * The worker script beside this module: `.js` in the ESM build, `.cjs` in the CommonJS build (tsup's
 * shim gives it `import.meta.url`). Running from sources (`.ts`, under vitest or tsx) the worker is
 * started through tsx's `tsImport`, since Node 20 does not apply loader hooks given in a worker's
 * `execArgv` to its entry; sources need the tsx dev dependency.
 */
function workerScript(): { script: URL | string; eval: boolean } {
  const here = import.meta.url;
  const extension = /\.(c|m)?(j|t)s$/.exec(new URL(here).pathname)?.[0] ?? ".js";
  const url = new URL(`./parquet-decode-worker${extension}`, here);
  if (!extension.endsWith("ts")) return { script: url, eval: false };
  // The ESM build of tsx's API (the `import` condition of `tsx/esm/api`); `require.resolve` gives the CommonJS one.
  const tsxPackage = pathToFileURL(createRequire(here).resolve("tsx/package.json"));
  const tsx = new URL("./dist/esm/api/index.mjs", tsxPackage).href;
  const script = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(here)}));`;
  return { script, eval: true };
}

function aborted(signal: AbortSignal): BallastError {
  return new BallastError("ABORTED", "Decoding the Parquet row group was aborted.", { cause: signal.reason });
}
