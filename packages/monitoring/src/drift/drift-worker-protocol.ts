import type { MessagePort } from "node:worker_threads";
import type { DriftTestName } from "./drift-tests.js";
import type { NumericalDriftOutcome } from "./numerical-drift.js";

/** What a drift worker starts with (its `workerData`). */
export interface DriftWorkerSetup {
  /** The worker's module: a file URL (the built `.js`, or the `.ts` source run through tsx). */
  entry: string;
  /** tsx's ESM API, for loading the TypeScript source (absent for the built worker). */
  tsx?: string;
  /** Where the worker posts its answers; the pool reads them synchronously. */
  answers: MessagePort;
  /** Int32 counter the worker increments (and notifies) after each answer. */
  signal: SharedArrayBuffer;
}

/** One column for a worker: values on shared memory, private to this job (sorted in place). */
export interface DriftWorkerJob {
  id: number;
  reference: Float64Array;
  current: Float64Array;
  test: DriftTestName | undefined;
}

/** A worker's answer: the outcome of a job, a failed job (recomputed by the caller), or a failed start. */
export type DriftWorkerAnswer =
  | { kind: "done"; id: number; outcome: NumericalDriftOutcome }
  | { kind: "failed"; id: number }
  | { kind: "unavailable"; reason: string };

/** Posts an answer and wakes the pool. */
export function answer(setup: DriftWorkerSetup, message: DriftWorkerAnswer): void {
  setup.answers.postMessage(message);
  const signal = new Int32Array(setup.signal);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
