import type { MetadataQueryable } from "@ballast/core";

const UPSERT_TAGS = `INSERT INTO tracking_tags (workspace_id, run_id, key, value)
SELECT $1, $2, e.key, e.value FROM jsonb_each_text($3::jsonb) AS e
ON CONFLICT (workspace_id, run_id, key) DO UPDATE SET value = EXCLUDED.value`;

/** Sets tags, overwriting earlier values of the same keys, in one statement. */
export async function writeTags(
  db: MetadataQueryable,
  workspaceId: string,
  runId: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  if (Object.keys(tags).length === 0) return;
  await db.query(UPSERT_TAGS, [workspaceId, runId, JSON.stringify(tags)]);
}
