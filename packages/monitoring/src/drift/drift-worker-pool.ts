import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { DriftTestName } from "./drift-tests.js";
import type { DriftWorkerAnswer, DriftWorkerJob, DriftWorkerSetup } from "./drift-worker-protocol.js";
import type { NumericalDriftOutcome } from "./numerical-drift.js";

/**
 * Jobs queued per worker: one running, one waiting, so a worker never idles while this thread reads
 * the next column, and at most `2 · workers` columns sit in shared memory at once.
 */
const QUEUE_DEPTH = 2;

/**
 * How long a wait may see no answer from any worker before the workers are given up for this call
 * and their columns are computed on the calling thread. A dead worker (an out-of-memory abort)
 * answers nothing, and its exit event cannot arrive while this thread waits synchronously; a column
 * takes far less than this (1M values: tens of milliseconds).
 */
const STALL_MS = 60_000;

/**
 * Loads the worker module from inside the worker, so a module that cannot load (a missing file, no
 * TypeScript loader) is reported through the shared signal instead of an `error` event, which this
 * thread could not see while it waits synchronously.
 */
const BOOTSTRAP = `
import("node:worker_threads").then(async ({ workerData }) => {
  try {
    if (workerData.tsx) {
      const api = await import(workerData.tsx);
      (api.register ?? api.default.register)();
    }
    await import(workerData.entry);
  } catch (error) {
    workerData.answers.postMessage({ kind: "unavailable", reason: String((error && error.stack) || error) });
    const signal = new Int32Array(workerData.signal);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  }
});
`;

/** Where the worker module is: the built `drift-worker.js` beside this bundle, else the TypeScript source. */
function workerModule(): Pick<DriftWorkerSetup, "entry" | "tsx"> | undefined {
  try {
    const built = new URL("./drift-worker.js", import.meta.url);
    if (existsSync(fileURLToPath(built))) return { entry: built.href };
    const source = new URL("./drift-worker.ts", import.meta.url);
    if (!existsSync(fileURLToPath(source))) return undefined;
    // Running from source (tests, tsx): the worker needs tsx to load TypeScript, through its ESM API
    // (the CommonJS build of that API cannot register the hooks from a worker).
    const required = createRequire(import.meta.url).resolve("tsx/esm/api");
    const esm = required.replace(/\.cjs$/, ".mjs");
    return { entry: source.href, tsx: pathToFileURL(existsSync(esm) ? esm : required).href };
  } catch {
    return undefined;
  }
}

interface PooledWorker {
  worker: Worker;
  answers: MessagePort;
  /** Jobs posted and not answered yet. */
  pending: Set<number>;
  alive: boolean;
}

/** Threads `"auto"` may use: one per core. */
export function autoParallelism(): number {
  return availableParallelism();
}

/**
 * Worker threads for the numerical columns of `compare`, started on first use and kept (unreferenced,
 * so they never keep the process alive) for later calls. `compare` stays synchronous: it posts
 * columns on shared memory and waits on an `Atomics` counter the workers bump after each answer,
 * reading answers with `receiveMessageOnPort`.
 */
class DriftWorkerPool {
  readonly #workers: PooledWorker[] = [];
  readonly #signalBuffer = new SharedArrayBuffer(4);
  readonly #signal = new Int32Array(this.#signalBuffer);
  readonly #module: Pick<DriftWorkerSetup, "entry" | "tsx">;

  constructor(module: Pick<DriftWorkerSetup, "entry" | "tsx">) {
    this.#module = module;
  }

  /** Live workers, starting more up to `size`; empty when none can start. */
  workers(size: number): PooledWorker[] {
    for (let i = this.#workers.filter((w) => w.alive).length; i < size; i++) {
      const started = this.#start();
      if (!started) break;
      this.#workers.push(started);
    }
    return this.#workers.filter((w) => w.alive).slice(0, size);
  }

  #start(): PooledWorker | undefined {
    const { port1, port2 } = new MessageChannel();
    const setup: DriftWorkerSetup = { ...this.#module, answers: port2, signal: this.#signalBuffer };
    let worker: Worker;
    try {
      worker = new Worker(BOOTSTRAP, { eval: true, workerData: setup, transferList: [port2] });
    } catch {
      port1.close();
      return undefined;
    }
    worker.unref();
    port1.unref();
    // A worker that ends (its module failed, or it was terminated) answers nothing more; waits notice
    // through "unavailable", and this marks it for later calls.
    const pooled: PooledWorker = { worker, answers: port1, pending: new Set(), alive: true };
    worker.on("exit", () => {
      pooled.alive = false;
    });
    worker.on("error", () => {
      pooled.alive = false;
    });
    return pooled;
  }

  /** The counter's current value (read before draining, so a wait cannot miss an answer). */
  signalValue(): number {
    return Atomics.load(this.#signal, 0);
  }

  /** Blocks until some worker answers after `seen`; false when none did within `STALL_MS`. */
  waitAfter(seen: number): boolean {
    return Atomics.wait(this.#signal, 0, seen, STALL_MS) !== "timed-out";
  }
}

let pool: DriftWorkerPool | null | undefined;
/** Jobs workers have computed in this thread's lifetime (tests check that workers did run). */
let jobsComputedByWorkers = 0;

/** How many columns workers have computed so far (for tests and diagnostics). */
export function driftWorkerJobCount(): number {
  return jobsComputedByWorkers;
}

function sharedPool(): DriftWorkerPool | undefined {
  if (pool === undefined) {
    const module = workerModule();
    pool = module && typeof SharedArrayBuffer === "function" ? new DriftWorkerPool(module) : null;
  }
  return pool ?? undefined;
}

/** The outcome of a job, or "local" when this thread must compute the column itself. */
export type DriftJobResult = NumericalDriftOutcome | "local";

/**
 * One `compare` call's use of the pool: columns go out as jobs, answers come back by job id.
 * Shared buffers are recycled between jobs, so memory stays at a few columns whatever the width.
 */
export class DriftWorkerBatch {
  readonly #pool: DriftWorkerPool;
  readonly #workers: PooledWorker[];
  readonly #results = new Map<number, DriftJobResult>();
  readonly #buffers = new Map<number, SharedArrayBuffer[]>();
  readonly #free: SharedArrayBuffer[] = [];
  #reserved: SharedArrayBuffer[] = [];

  private constructor(pool: DriftWorkerPool, workers: PooledWorker[]) {
    this.#pool = pool;
    this.#workers = workers;
  }

  /** A batch over up to `threads` workers, or undefined when workers are unavailable. */
  static open(threads: number): DriftWorkerBatch | undefined {
    const shared = sharedPool();
    const workers = shared?.workers(threads) ?? [];
    return shared && workers.length > 0 ? new DriftWorkerBatch(shared, workers) : undefined;
  }

  /** A Float64Array on shared memory for the next job's values (a recycled buffer when one fits). */
  readonly allocate = (length: number): Float64Array => {
    const bytes = Math.max(8, length * 8);
    const at = this.#free.findIndex((b) => b.byteLength >= bytes);
    const buffer = at >= 0 ? this.#free.splice(at, 1)[0]! : new SharedArrayBuffer(bytes);
    this.#reserved.push(buffer);
    return new Float64Array(buffer, 0, length);
  };

  /**
   * Posts a job to the least busy worker, first waiting while every worker has a full queue. Returns
   * false when no worker is left (the caller computes the column itself).
   */
  submit(
    id: number,
    reference: Float64Array,
    current: Float64Array,
    test: DriftTestName | undefined,
  ): boolean {
    const buffers = this.#reserved;
    this.#reserved = [];
    for (;;) {
      const seen = this.#pool.signalValue();
      this.#drain();
      const live = this.#workers.filter((w) => w.alive);
      if (live.length === 0) {
        this.#free.push(...buffers);
        return false;
      }
      let target = live[0]!;
      for (const w of live) if (w.pending.size < target.pending.size) target = w;
      if (target.pending.size < QUEUE_DEPTH) {
        const job: DriftWorkerJob = { id, reference, current, test };
        try {
          target.worker.postMessage(job);
        } catch {
          this.#abandon(target);
          continue;
        }
        target.pending.add(id);
        this.#buffers.set(id, buffers);
        return true;
      }
      if (!this.#pool.waitAfter(seen)) this.#abandonAll();
    }
  }

  /** Waits for every posted job; then each job's outcome, or "local" for the ones a worker could not do. */
  finish(): Map<number, DriftJobResult> {
    for (;;) {
      const seen = this.#pool.signalValue();
      this.#drain();
      if (this.#workers.every((w) => !w.alive || w.pending.size === 0)) break;
      if (!this.#pool.waitAfter(seen)) this.#abandonAll();
    }
    return this.#results;
  }

  /** Stops using a worker: its unanswered columns are computed on the calling thread. */
  #abandon(w: PooledWorker): void {
    w.alive = false;
    for (const id of w.pending) this.#settle(id, "local");
    w.pending.clear();
    void w.worker.terminate();
  }

  /** No worker answered for `STALL_MS`: one may have died silently, so none is waited for any longer. */
  #abandonAll(): void {
    for (const w of this.#workers) if (w.alive && w.pending.size > 0) this.#abandon(w);
  }

  #drain(): void {
    for (const w of this.#workers) {
      for (;;) {
        const received = receiveMessageOnPort(w.answers);
        if (!received) break;
        const message = received.message as DriftWorkerAnswer;
        if (message.kind === "unavailable") {
          this.#abandon(w);
          continue;
        }
        w.pending.delete(message.id);
        if (message.kind === "done") jobsComputedByWorkers++;
        this.#settle(message.id, message.kind === "done" ? message.outcome : "local");
      }
    }
  }

  #settle(id: number, result: DriftJobResult): void {
    this.#results.set(id, result);
    this.#free.push(...(this.#buffers.get(id) ?? []));
    this.#buffers.delete(id);
  }
}
