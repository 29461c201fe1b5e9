import type { MetadataDatabase } from "@ballast/core";
import type { Alert } from "../alerts/alert.js";
import { monitorMigrations } from "./monitor-migrations.js";
import type { RuleResult } from "./rules.js";

/** What a monitor stores for one closed window. */
export interface WindowResult {
  monitor: string;
  start: number;
  end: number;
  /** Records counted in the window. */
  recordCount: number;
  /** Of those, records with a label. */
  labelledCount: number;
  /** Records that arrived after the window closed (updated as they arrive). */
  lateDropped: number;
  /** `"alert"` when a rule fired, `"error"` when a rule could not be evaluated. */
  status: "ok" | "alert" | "error";
  results: RuleResult[];
  alerts: Alert[];
  closedAt: number;
}

/** Options of {@link WindowStore.list}. */
export interface ListWindowsOptions {
  /** Only windows ending after this time (epoch ms). */
  from?: number;
  /** Only windows ending at or before this time (epoch ms). */
  to?: number;
  /** Newest first, at most this many (default 1000). */
  limit?: number;
}

/** The stored window results of the monitors of one workspace. */
export interface WindowStore {
  /**
   * Stores a window's result unless one is already stored for the same monitor and bounds (a
   * replayed window after a restart keeps its first result). Returns whether it was inserted.
   */
  insert(result: WindowResult): Promise<boolean>;
  /** Adds late arrivals to a stored window. */
  addLateDropped(monitor: string, start: number, end: number, count: number): Promise<void>;
  list(monitor: string, options?: ListWindowsOptions): Promise<WindowResult[]>;
}

interface WindowRow {
  monitor: string;
  window_start: number;
  window_end: number;
  record_count: number;
  labelled_count: number;
  late_dropped: number;
  status: WindowResult["status"];
  results: RuleResult[];
  alerts: Alert[];
  closed_at: Date;
}

/**
 * Opens the window store of a workspace, applying the `monitoring-monitors` migrations first.
 *
 * @throws BallastError `MIGRATION_FAILED`, `DATABASE_ERROR` from the database.
 * @example
 * const windows = await createWindowStore(db, { workspace: "default" });
 * const recent = await windows.list("churn", { limit: 24 });
 */
export async function createWindowStore(
  db: MetadataDatabase,
  options: { workspace: string },
): Promise<WindowStore> {
  await db.migrate(monitorMigrations);
  const ws = options.workspace;
  return {
    async insert(r) {
      const { rowCount } = await db.query(
        `INSERT INTO monitoring_windows (workspace_id, monitor, window_start, window_end, record_count,
           labelled_count, late_dropped, status, results, alerts, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (workspace_id, monitor, window_start, window_end) DO NOTHING`,
        [
          ws,
          r.monitor,
          r.start,
          r.end,
          r.recordCount,
          r.labelledCount,
          r.lateDropped,
          r.status,
          JSON.stringify(r.results),
          JSON.stringify(r.alerts),
          new Date(r.closedAt),
        ],
      );
      return rowCount === 1;
    },
    async addLateDropped(monitor, start, end, count) {
      await db.query(
        `UPDATE monitoring_windows SET late_dropped = late_dropped + $5
         WHERE workspace_id = $1 AND monitor = $2 AND window_start = $3 AND window_end = $4`,
        [ws, monitor, start, end, count],
      );
    },
    async list(monitor, listOptions = {}) {
      const { rows } = await db.query<WindowRow>(
        `SELECT monitor, window_start, window_end, record_count, labelled_count, late_dropped, status,
                results, alerts, closed_at
         FROM monitoring_windows
         WHERE workspace_id = $1 AND monitor = $2 AND window_end > $3 AND window_end <= $4
         ORDER BY window_end DESC, window_start DESC LIMIT $5`,
        [
          ws,
          monitor,
          listOptions.from ?? Number.MIN_SAFE_INTEGER,
          listOptions.to ?? Number.MAX_SAFE_INTEGER,
          listOptions.limit ?? 1000,
        ],
      );
      return rows.map((row) => ({
        monitor: row.monitor,
        start: row.window_start,
        end: row.window_end,
        recordCount: row.record_count,
        labelledCount: row.labelled_count,
        lateDropped: row.late_dropped,
        status: row.status,
        results: row.results,
        alerts: row.alerts,
        closedAt: row.closed_at.getTime(),
      }));
    },
  };
}
