/** Where a run is in its life: `running` until it ends as one of the three final states. */
export type RunStatus = "running" | "finished" | "failed" | "killed";

/** The statuses a run can end with. */
export type EndStatus = Exclude<RunStatus, "running">;

const END_STATUSES: ReadonlySet<string> = new Set<EndStatus>(["finished", "failed", "killed"]);

/** True for `finished`, `failed` and `killed`. */
export function isEndStatus(value: unknown): value is EndStatus {
  return typeof value === "string" && END_STATUSES.has(value);
}
