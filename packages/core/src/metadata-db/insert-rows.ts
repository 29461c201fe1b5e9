import { BallastError } from "../errors/ballast-error.js";
import { quoteIdentifier } from "./quote-identifier.js";
import type { MetadataQueryable, SqlValue } from "./types.js";

/** PostgreSQL's wire protocol counts bind parameters in 16 bits. */
export const MAX_BIND_PARAMETERS = 65_535;

/**
 * A column's SQL type as written in a cast (`text`, `int8`, `float8`, `timestamptz`, `jsonb`,
 * `numeric(12,4)`, `text[]`). It is interpolated into the statement, so it is checked against this
 * shape rather than trusted.
 */
const SQL_TYPE = /^[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*( ?\(\d+( ?, ?\d+)?\))?(\[\])*$/;

/** Options of {@link insertRows}. */
export interface InsertRowsOptions<Row extends Record<string, SqlValue>> {
  /** Target table; a `["schema", "table"]` pair for a qualified name. Quoted for you. */
  table: string | readonly string[];
  /**
   * Columns to insert, in order, with their SQL type (`{ run_id: "text", step: "int8", value: "float8" }`).
   * Rows are read by these keys; a missing key inserts `NULL`.
   */
  columns: { readonly [K in keyof Row & string]?: string };
  /** The rows. An empty list inserts nothing and runs no statement. */
  rows: readonly Row[];
  /**
   * Rows per statement. Defaults to 10,000 for the `unnest` form, and to as many as fit in 65,535
   * parameters for the `VALUES` form (used when a column is itself an array).
   */
  chunkSize?: number;
  /** An `ON CONFLICT ...` clause appended to every statement, for idempotent writes. */
  onConflict?: string;
}

interface ColumnPlan {
  key: string;
  quoted: string;
  type: string;
}

function plan(columns: Record<string, string | undefined>): ColumnPlan[] {
  const plans: ColumnPlan[] = [];
  for (const [key, type] of Object.entries(columns)) {
    if (type === undefined) continue;
    const trimmed = type.trim();
    if (!SQL_TYPE.test(trimmed)) {
      throw new BallastError(
        "VALIDATION_FAILED",
        `Column "${key}" has an invalid SQL type ${JSON.stringify(type)}.`,
        {
          hint: 'Write the type as in a cast: "text", "int8", "float8", "timestamptz", "jsonb", "numeric(12,4)", "text[]".',
        },
      );
    }
    plans.push({ key, quoted: quoteIdentifier(key), type: trimmed });
  }
  if (plans.length === 0) {
    throw new BallastError("VALIDATION_FAILED", "insertRows needs at least one column.", {
      hint: 'Pass columns such as { run_id: "text", step: "int8" }.',
    });
  }
  return plans;
}

/**
 * Builds one `INSERT ... SELECT * FROM unnest($1::t1[], $2::t2[], ...)` statement: one array parameter
 * per column, whatever the number of rows. Measured faster than a multi-row `VALUES` list on both
 * PGlite and PostgreSQL (see `bench/metadata-db.bench.ts`), because the server parses and plans a
 * statement of a few parameters instead of tens of thousands.
 */
export function buildUnnestInsert(
  table: string | readonly string[],
  columns: readonly ColumnPlan[],
  rows: readonly Record<string, SqlValue>[],
  onConflict?: string,
): { sql: string; params: SqlValue[] } {
  const names = columns.map((c) => c.quoted).join(", ");
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(", ");
  const params = columns.map((c) => rows.map((row) => row[c.key] ?? null));
  const suffix = onConflict ? ` ${onConflict}` : "";
  return {
    sql: `INSERT INTO ${quoteIdentifier(table)} (${names}) SELECT * FROM unnest(${arrays})${suffix}`,
    params,
  };
}

/**
 * Builds one multi-row `INSERT ... VALUES ($1, $2), ($3, $4), ...` statement. Used when a column holds
 * an array, which `unnest` would flatten.
 */
export function buildValuesInsert(
  table: string | readonly string[],
  columns: readonly ColumnPlan[],
  rows: readonly Record<string, SqlValue>[],
  onConflict?: string,
): { sql: string; params: SqlValue[] } {
  const names = columns.map((c) => c.quoted).join(", ");
  const params: SqlValue[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const slots: string[] = [];
    for (const column of columns) {
      params.push(row[column.key] ?? null);
      slots.push(`$${params.length}::${column.type}`);
    }
    tuples.push(`(${slots.join(", ")})`);
  }
  const suffix = onConflict ? ` ${onConflict}` : "";
  return {
    sql: `INSERT INTO ${quoteIdentifier(table)} (${names}) VALUES ${tuples.join(", ")}${suffix}`,
    params,
  };
}

/**
 * Inserts many rows with few statements: chunks of rows, each sent as one statement. More than one
 * chunk runs in a transaction (a savepoint when `db` is already a transaction), so either every row is
 * inserted or none is.
 *
 * @returns the number of rows inserted, as the database reports it (fewer with `ON CONFLICT DO NOTHING`).
 * @throws BallastError `VALIDATION_FAILED` for a bad column type or chunk size; `DATABASE_ERROR` when an
 *   insert fails (nothing is inserted then).
 * @example
 * await insertRows(db, {
 *   table: "tracking_metrics",
 *   columns: { run_id: "text", key: "text", step: "int8", value: "float8" },
 *   rows: points,
 * });
 */
export async function insertRows<Row extends Record<string, SqlValue>>(
  db: MetadataQueryable,
  options: InsertRowsOptions<Row>,
): Promise<number> {
  const columns = plan(options.columns as Record<string, string | undefined>);
  if (options.rows.length === 0) return 0;
  const useValues = columns.some((c) => c.type.endsWith("[]"));
  const maxValuesChunk = Math.floor(MAX_BIND_PARAMETERS / columns.length);
  const chunkSize = options.chunkSize ?? (useValues ? maxValuesChunk : 10_000);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || (useValues && chunkSize > maxValuesChunk)) {
    throw new BallastError("VALIDATION_FAILED", `insertRows chunkSize ${chunkSize} is invalid.`, {
      hint: useValues
        ? `Use a whole number from 1 to ${maxValuesChunk} (65,535 parameters / ${columns.length} columns).`
        : "Use a whole number of at least 1.",
    });
  }
  const build = useValues ? buildValuesInsert : buildUnnestInsert;
  const insertChunk = async (target: MetadataQueryable, start: number) => {
    const { sql, params } = build(
      options.table,
      columns,
      options.rows.slice(start, start + chunkSize),
      options.onConflict,
    );
    return (await target.query(sql, params)).rowCount;
  };
  if (options.rows.length <= chunkSize) return insertChunk(db, 0);
  return db.transaction(async (tx) => {
    let inserted = 0;
    for (let start = 0; start < options.rows.length; start += chunkSize)
      inserted += await insertChunk(tx, start);
    return inserted;
  });
}
