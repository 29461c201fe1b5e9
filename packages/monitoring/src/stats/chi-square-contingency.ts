import { checkCounts } from "./chi-square-goodness-of-fit.js";
import { chiSquareSf } from "./distributions.js";
import { StatisticsError } from "./statistics-error.js";
import type { TestResult } from "./test-result.js";

/** Options of {@link chiSquareContingency}. */
export interface ChiSquareContingencyOptions {
  /** Yates' continuity correction when there is one degree of freedom (default true, as SciPy). */
  correction?: boolean;
}

/**
 * Pearson's chi-square test of independence on an r × c table of counts, matching
 * `scipy.stats.chi2_contingency(table, correction)`: expected counts from the margins, dof = (r-1)(c-1);
 * with one degree of freedom and `correction`, every cell moves halfway (at most 0.5) toward its expected
 * count (Yates). A table with no degree of freedom gives statistic 0 and p-value 1.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE` (no cells), `MONITORING_INVALID_INPUT` (ragged rows,
 *   negative counts), `MONITORING_NON_FINITE`, `MONITORING_DEGENERATE_SAMPLE` (an all-zero row or column).
 * @example
 * chiSquareContingency([[10, 20], [30, 40]]); // { statistic: 0.446..., pValue: 0.504..., dof: 1 }
 */
export function chiSquareContingency(
  table: readonly (readonly number[])[],
  options: ChiSquareContingencyOptions = {},
): TestResult & { dof: number } {
  const r = table.length;
  const c = table[0]?.length ?? 0;
  if (r === 0 || c === 0) {
    throw new StatisticsError("MONITORING_EMPTY_SAMPLE", "table has no cells.", {
      hint: "Pass a table of counts with at least one row and one column.",
      details: { argument: "table" },
    });
  }
  const rows = new Float64Array(r);
  const cols = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < r; i++) {
    const row = table[i]!;
    if (row.length !== c) {
      throw new StatisticsError(
        "MONITORING_INVALID_INPUT",
        `table[${i}] has ${row.length} cells, table[0] has ${c}.`,
        {
          hint: "Pass a rectangular table.",
          details: { argument: "table", index: i },
        },
      );
    }
    checkCounts(row, `table[${i}]`);
    for (let j = 0; j < c; j++) {
      rows[i]! += row[j]!;
      cols[j]! += row[j]!;
      total += row[j]!;
    }
  }
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      if ((rows[i]! * cols[j]!) / total === 0 || total === 0) {
        throw new StatisticsError(
          "MONITORING_DEGENERATE_SAMPLE",
          `The expected count of cell [${i}][${j}] is 0 (an all-zero row or column).`,
          {
            hint: "Drop empty rows and columns before testing.",
            details: { argument: "table", index: [i, j] },
          },
        );
      }
    }
  const dof = (r - 1) * (c - 1);
  if (dof === 0) return { statistic: 0, pValue: 1, method: "chi2", dof };
  const yates = dof === 1 && (options.correction ?? true);
  let statistic = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const e = (rows[i]! * cols[j]!) / total;
      let o = table[i]![j]!;
      if (yates) {
        const diff = e - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      const d = o - e;
      statistic += (d * d) / e;
    }
  }
  return { statistic, pValue: chiSquareSf(statistic, dof), method: yates ? "chi2-yates" : "chi2", dof };
}
