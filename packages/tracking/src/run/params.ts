import { BallastError, type MetadataQueryable } from "@ballast/core";

// value_text and value_number are derived in SQL from the one JSON parameter, so the three columns
// can never disagree; filters compare strings on value_text and numbers on value_number.
const INSERT_PARAMS = `INSERT INTO tracking_params (workspace_id, run_id, key, value, value_text, value_number)
SELECT $1, $2, e.key, e.value,
  CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}' WHEN 'number' THEN e.value #>> '{}'
    WHEN 'boolean' THEN e.value #>> '{}' WHEN 'null' THEN NULL ELSE e.value::text END,
  CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::float8 END
FROM jsonb_each($3::jsonb) AS e
ON CONFLICT (workspace_id, run_id, key) DO NOTHING`;

// jsonb equality ignores key order and number spelling (1 = 1.0), so only a real change conflicts.
const FIND_CONFLICTS = `SELECT p.key, p.value AS existing, e.value AS given
FROM tracking_params p JOIN jsonb_each($3::jsonb) AS e ON e.key = p.key
WHERE p.workspace_id = $1 AND p.run_id = $2 AND p.value <> e.value`;

/**
 * Stores params, which are immutable: a key logged again with an equal value is a no-op, with a
 * different value the whole call fails and stores nothing (one transaction). Inserting first and
 * comparing after makes this hold against a concurrent writer too: the second insert waits on the
 * first one's key and then sees its value.
 *
 * @throws BallastError `PARAM_CONFLICT` listing each key with its stored and given value.
 */
export async function writeParams(
  db: MetadataQueryable,
  workspaceId: string,
  runId: string,
  values: Record<string, unknown>,
): Promise<void> {
  if (Object.keys(values).length === 0) return;
  const json = JSON.stringify(values);
  await db.transaction(async (tx) => {
    await tx.query(INSERT_PARAMS, [workspaceId, runId, json]);
    const { rows } = await tx.query<{ key: string; existing: unknown; given: unknown }>(FIND_CONFLICTS, [
      workspaceId,
      runId,
      json,
    ]);
    if (rows.length > 0) {
      const list = rows.map(
        (r) => `${r.key}: logged ${JSON.stringify(r.existing)}, now ${JSON.stringify(r.given)}`,
      );
      throw new BallastError("PARAM_CONFLICT", `Params of run ${runId} are immutable; ${list.join("; ")}.`, {
        hint: "Log each param once (the same value again is fine), or start a new run for other values.",
        details: { runId, conflicts: rows },
      });
    }
  });
}
