import type { MetadataQueryable } from "@ballast/core";

/** Replaces a run's notes (free text, e.g. Markdown); `null` clears them. */
export async function writeNotes(
  db: MetadataQueryable,
  workspaceId: string,
  runId: string,
  notes: string | null,
): Promise<void> {
  await db.query("UPDATE tracking_runs SET notes = $3 WHERE workspace_id = $1 AND id = $2", [
    workspaceId,
    runId,
    notes,
  ]);
}
