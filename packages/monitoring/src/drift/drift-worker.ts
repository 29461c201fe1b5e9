/**
 * The drift worker: computes numerical columns for `compare` (see drift-worker-pool.ts). Built as its
 * own entry (dist/drift-worker.js) so it loads without the rest of the package.
 */
import { parentPort, workerData } from "node:worker_threads";
import { answer, type DriftWorkerJob, type DriftWorkerSetup } from "./drift-worker-protocol.js";
import { numericalDrift } from "./numerical-drift.js";

const setup = workerData as DriftWorkerSetup;
parentPort?.on("message", (job: DriftWorkerJob) => {
  let outcome: ReturnType<typeof numericalDrift>;
  try {
    outcome = numericalDrift(job.reference, job.current, job.test);
  } catch {
    // The caller recomputes the column on its own thread, which throws the same error there.
    answer(setup, { kind: "failed", id: job.id });
    return;
  }
  answer(setup, { kind: "done", id: job.id, outcome });
});
