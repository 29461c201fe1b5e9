import type { Clock, MetadataQueryable } from "@ballast/core";
import { currentProcess, isProcessAlive, type ProcessIdentity } from "./process-identity.js";
import type { EndStatus } from "./run-status.js";

/** Tag set on every run closed by recovery; its value says why. */
export const RECOVERED_TAG = "ballast.recovered";

/** A run that recovery closed. */
export interface RecoveredRun {
  runId: string;
  status: Extract<EndStatus, "failed" | "killed">;
  reason: string;
}

/** Options of {@link recoverStaleRuns}. */
export interface RecoverStaleRunsOptions {
  /** A run on another machine whose heartbeat is older than this (ms) is taken for dead. */
  staleAfterMs: number;
  clock: Clock;
  /** This process (default: the real one); tests pass another. */
  self?: ProcessIdentity;
  /** Liveness check of a local pid (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

interface RunningRow {
  id: string;
  owner_host: string;
  owner_pid: number;
  heartbeat_at: Date;
}

/**
 * Closes runs left `running` by processes that are gone, so abandoned runs do not stay "running"
 * forever:
 *
 * - owned by this machine and the pid no longer exists → `failed` (the process ended without
 *   `run.end()`: a crash, a kill or an exit without cleanup);
 * - heartbeat older than `staleAfterMs` → `killed` (another machine, whose processes cannot be
 *   checked, or a local pid that was reused by an unrelated process).
 *
 * Each run gets `end_time` = now and the tag `ballast.recovered` with the reason, in one transaction
 * per run; the update is conditional on `status = 'running'`, so a run that ends concurrently, or
 * that another tracker recovers first, is left alone.
 */
export async function recoverStaleRuns(
  db: MetadataQueryable,
  workspaceId: string,
  options: RecoverStaleRunsOptions,
): Promise<RecoveredRun[]> {
  const self = options.self ?? currentProcess();
  const isAlive = options.isAlive ?? isProcessAlive;
  const now = options.clock.now();
  const { rows } = await db.query<RunningRow>(
    `SELECT id, owner_host, owner_pid, heartbeat_at FROM tracking_runs
     WHERE workspace_id = $1 AND status = 'running'`,
    [workspaceId],
  );
  const recovered: RecoveredRun[] = [];
  for (const row of rows) {
    const verdict = judge(row, self, isAlive, now, options.staleAfterMs);
    if (!verdict) continue;
    const closed = await db.transaction(async (tx) => {
      const update = await tx.query(
        // heartbeat_at must still be the value judged: a heartbeat that landed since then means the
        // owner is alive, and the run is left alone.
        `UPDATE tracking_runs SET status = $3, end_time = $4
         WHERE workspace_id = $1 AND id = $2 AND status = 'running' AND heartbeat_at = $5`,
        [workspaceId, row.id, verdict.status, new Date(now), row.heartbeat_at],
      );
      if (update.rowCount === 0) return false;
      await tx.query(
        `INSERT INTO tracking_tags (workspace_id, run_id, key, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, run_id, key) DO UPDATE SET value = EXCLUDED.value`,
        [workspaceId, row.id, RECOVERED_TAG, verdict.reason],
      );
      return true;
    });
    if (closed) recovered.push({ runId: row.id, ...verdict });
  }
  return recovered;
}

function judge(
  row: RunningRow,
  self: ProcessIdentity,
  isAlive: (pid: number) => boolean,
  now: number,
  staleAfterMs: number,
): Omit<RecoveredRun, "runId"> | undefined {
  const silentMs = now - row.heartbeat_at.getTime();
  if (row.owner_host === self.host) {
    if (row.owner_pid === self.pid) return undefined;
    if (!isAlive(row.owner_pid)) {
      return {
        status: "failed",
        reason: `owner process ${row.owner_pid} on ${row.owner_host} exited without ending the run`,
      };
    }
  }
  if (silentMs > staleAfterMs) {
    return {
      status: "killed",
      reason: `no heartbeat from process ${row.owner_pid} on ${row.owner_host} for ${Math.round(silentMs / 1000)}s`,
    };
  }
  return undefined;
}
