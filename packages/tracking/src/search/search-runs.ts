import { BallastError } from "@ballast/core";
import type { TrackingContext } from "../tracking-context.js";
import type { FilterExpression } from "./filter-ast.js";
import { parseFilter, parseSortKey, type SortKey } from "./filter-parser.js";
import { compileFilter } from "./filter-to-sql.js";
import { loadRunInfos, type RunInfo } from "./run-info.js";
import { decodeCursor, encodeCursor, searchFingerprint } from "./search-cursor.js";
import { keysetCondition, orderByClause, planSort } from "./sort-columns.js";
import { SqlParameters } from "./sql-parameters.js";

/** Options of {@link searchRuns}. */
export interface SearchRunsOptions {
  /** Only runs of this experiment (or these experiments), by name. Default: every experiment. */
  experiment?: string | readonly string[];
  /** A filter in the run filter language, or a tree built in code. */
  filter?: string | FilterExpression;
  /**
   * Sort keys, most significant first: a field as in filters, then `ASC` (default) or `DESC`, e.g.
   * `["metrics.accuracy DESC", "start_time ASC"]`. Runs missing the field come last either way;
   * ties are broken by run id. Default: `["start_time DESC"]`.
   */
  orderBy?: readonly string[];
  /** Page size, 1 to 1000 (default 100). */
  limit?: number;
  /** `nextCursor` of the previous page, to continue this same search. */
  cursor?: string;
  /** Also count every run the search matches (one more statement). */
  includeCount?: boolean;
}

/** One page of {@link searchRuns}. */
export interface SearchRunsResult {
  runs: RunInfo[];
  /** Present when more runs follow: pass it as `cursor` to get the next page. */
  nextCursor?: string;
  /** With `includeCount`: how many runs match in total, over all pages. */
  totalCount?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const DEFAULT_ORDER = ["start_time DESC"];

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new BallastError("VALIDATION_FAILED", `searchRuns limit ${limit} is out of range.`, {
      hint: `Use a whole number from 1 to ${MAX_LIMIT}, and the cursor for more.`,
      details: { limit },
    });
  }
}

/**
 * Searches the runs of `ctx.workspaceId`, one page at a time.
 *
 * The filter and ordering compile to one parameterised statement (every key and value bound), with
 * keyset pagination: the cursor holds the sort values of the page's last row, so later pages cost
 * the same as the first and stay stable while runs are added. The cursor is opaque (base64url) and
 * only continues the search it came from. Then the page's runs are loaded in four statements.
 *
 * @throws BallastError `FILTER_INVALID` for a filter that does not parse (with a caret under the
 *   mistake); `ORDER_BY_INVALID` for a bad `orderBy` entry; `CURSOR_INVALID` for a cursor that was
 *   edited or belongs to another search; `VALIDATION_FAILED` for a limit out of range;
 *   `DATABASE_ERROR` as the database reports.
 * @example
 * let page = await searchRuns(ctx, { experiment: "churn", filter: "metrics.auc > 0.8", orderBy: ["metrics.auc DESC"] });
 * while (page.nextCursor) page = await searchRuns(ctx, { experiment: "churn", filter: "metrics.auc > 0.8", orderBy: ["metrics.auc DESC"], cursor: page.nextCursor });
 */
export async function searchRuns(
  ctx: TrackingContext,
  options: SearchRunsOptions = {},
): Promise<SearchRunsResult> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  checkLimit(limit);
  const filter = typeof options.filter === "string" ? parseFilter(options.filter) : options.filter;
  const sortKeys: SortKey[] = (options.orderBy ?? DEFAULT_ORDER).map(parseSortKey);
  const experiments =
    options.experiment === undefined
      ? undefined
      : typeof options.experiment === "string"
        ? [options.experiment]
        : [...options.experiment];
  const fingerprint = searchFingerprint({
    w: ctx.workspaceId,
    x: experiments ?? null,
    f: filter ?? null,
    o: sortKeys,
  });

  const params = new SqlParameters();
  // The sort joins bind first: their placeholders precede the WHERE clause's in the statement text.
  const plan = planSort(sortKeys, params);
  const where = [`r.workspace_id = ${params.bind(ctx.workspaceId, "text")}`];
  if (experiments) where.push(`e.name = ANY(${params.bind(experiments, "text[]")})`);
  if (filter) where.push(compileFilter(filter, params));
  const countWhere = [...where];
  const countValues = [...params.values];
  if (options.cursor !== undefined) {
    const after = decodeCursor(options.cursor, fingerprint, plan.columns.length);
    where.push(keysetCondition(plan, after, params));
  }
  const from = `FROM tracking_runs r
    JOIN tracking_experiments e ON e.workspace_id = r.workspace_id AND e.id = r.experiment_id`;
  const selected = plan.columns.map((c, i) => `${c.selected} AS k${i}`).join(", ");
  const pageSql = `SELECT ${selected} ${from} ${plan.joins.join(" ")}
    WHERE ${where.join(" AND ")}
    ORDER BY ${orderByClause(plan)}
    LIMIT ${params.bind(limit + 1, "int8")}`;

  const [page, count] = await Promise.all([
    ctx.db.query<Record<string, unknown>>(pageSql, params.values),
    options.includeCount
      ? // The count ignores the cursor. It keeps the sort joins because their placeholders come first;
        // they are LEFT JOINs on primary keys, so they never add rows.
        ctx.db.query<{ n: number }>(
          `SELECT count(*)::int8 AS n ${from} ${plan.joins.join(" ")} WHERE ${countWhere.join(" AND ")}`,
          countValues,
        )
      : undefined,
  ]);
  const rows = page.rows.slice(0, limit);
  const runs = await loadRunInfos(
    ctx,
    rows.map((row) => row[`k${plan.columns.length - 1}`] as string),
  );
  const result: SearchRunsResult = { runs };
  const last = rows[rows.length - 1];
  if (page.rows.length > limit && last) {
    result.nextCursor = encodeCursor(
      fingerprint,
      plan.columns.map((_, i) => last[`k${i}`]),
    );
  }
  if (count) result.totalCount = count.rows[0]?.n ?? 0;
  return result;
}
