import type { MetadataQueryable } from "@ballast/core";
import type { SeedValue } from "../environment/run-environment.js";

// Merged into environment.seeds in place, so a seed registered mid-run joins the captured environment.
const MERGE_SEED = `UPDATE tracking_runs SET environment = jsonb_set(
  COALESCE(environment, '{}'::jsonb), '{seeds}', COALESCE(environment->'seeds', '{}'::jsonb) || $3::jsonb)
WHERE workspace_id = $1 AND id = $2`;

/** Records seeds in `environment.seeds`; a name registered again takes the new value. */
export async function writeSeeds(
  db: MetadataQueryable,
  workspaceId: string,
  runId: string,
  seeds: Readonly<Record<string, SeedValue>>,
): Promise<void> {
  await db.query(MERGE_SEED, [workspaceId, runId, JSON.stringify(seeds)]);
}

/** Seeds as stored: bigints become decimal strings (JSON has no 64-bit integers). */
export function normalizeSeed(value: number | bigint | string): SeedValue {
  return typeof value === "bigint" ? value.toString() : value;
}
