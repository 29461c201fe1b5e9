/** Where a run is in its life: `running` until it ends as one of the three final states. */
export const RUN_STATUSES = ["running", "finished", "failed", "killed"] as const;

/** A run's lifecycle state, as stored in `tracking_runs.status`. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The statuses a run can end with. */
export type EndStatus = Exclude<RunStatus, "running">;

const END_STATUSES: ReadonlySet<string> = new Set<EndStatus>(["finished", "failed", "killed"]);

/** True for `finished`, `failed` and `killed`. */
export function isEndStatus(value: unknown): value is EndStatus {
  return typeof value === "string" && END_STATUSES.has(value);
}
