import gammaln from "@stdlib/math-base-special-gammaln";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { sortFloat64 } from "./radix-sort.js";
import { averageRanks } from "./ranks.js";
import { StatisticsError } from "./statistics-error.js";
import type { TestResult } from "./test-result.js";

/** Options of {@link cramerVonMises2Sample}. */
export interface CramerVonMises2SampleOptions extends SampleOptions {
  /** `"auto"` (default): exact when both samples have at most 20 values, else asymptotic. */
  method?: "auto" | "exact" | "asymptotic";
}

/** K_ν(q) for q > 0 from K_ν(q) = ∫_0^∞ exp(-q cosh t) cosh(ν t) dt, by the trapezoid rule (exponentially convergent here). */
export function besselK(nu: number, q: number): number {
  const step = 0.02;
  let sum = 0.5 * Math.exp(-q);
  for (let t = step; ; t += step) {
    const term = Math.exp(-q * Math.cosh(t)) * Math.cosh(nu * t);
    sum += term;
    if (term < 1e-300 || term < sum * 1e-18) break;
  }
  return sum * step;
}

/** CDF of the limiting one-sample Cramér-von Mises distribution (Csörgő & Faraway 1996, eq. 1.3). */
export function cramerVonMisesLimitCdf(x: number): number {
  let total = 0;
  for (let k = 0; ; k++) {
    const u = Math.exp(gammaln(k + 0.5) - gammaln(k + 1)) / (Math.PI ** 1.5 * Math.sqrt(x));
    const y = 4 * k + 1;
    const q = (y * y) / (16 * x);
    const z = u * Math.sqrt(y) * Math.exp(-q) * besselK(0.25, q);
    total += z;
    // Same stopping rule as SciPy's series, so both truncate at the same term.
    if (Math.abs(z) < 1e-7) break;
  }
  return total;
}

/**
 * Exact P(U >= u) by Xiao, Gordon & Yakovlev, "A C++ program for the Cramér-von Mises two-sample test",
 * J. Stat. Softw. 17(8), 2006: walk the lattice paths from (0,0) to (n, m), each visited point (i, j)
 * adding (a j - b i)² with a = lcm/m, b = lcm/n; tally the frequency of each path sum.
 */
function exactPValue(u: number, m: number, n: number): number {
  const l = lcmOf(m, n);
  const a = l / m;
  const b = l / n;
  const mn = m * n;
  const zeta = Math.floor((l * l * (m + n) * (6 * u - mn * (4 * mn - 1))) / (6 * mn * mn));
  // gs[j]: map path-sum -> number of paths ending at (i, j) for the current i.
  let gs: Map<number, number>[] = [];
  for (let j = 0; j <= m; j++) gs.push(new Map());
  gs[0]!.set(0, 1);
  for (let i = 0; i <= n; i++) {
    const next: Map<number, number>[] = [];
    let tmp = new Map<number, number>();
    for (let j = 0; j <= m; j++) {
      const merged = new Map<number, number>(tmp);
      for (const [value, count] of gs[j]!) merged.set(value, (merged.get(value) ?? 0) + count);
      const add = (a * j - b * i) ** 2;
      tmp = new Map<number, number>();
      for (const [value, count] of merged) tmp.set(value + add, count);
      next.push(tmp);
    }
    gs = next;
  }
  let tail = 0;
  let total = 0;
  for (const [value, count] of gs[m]!) {
    total += count;
    if (value >= zeta) tail += count;
  }
  return tail / total;
}

function lcmOf(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return (a / x) * b;
}

/**
 * Two-sample Cramér-von Mises test, matching `scipy.stats.cramervonmises_2samp(a, b, method)`.
 * Statistic T = U/(n_a n_b N) - (4 n_a n_b - 1)/(6N) with U from the pooled average ranks (Anderson 1962).
 * Exact p-values from the path-sum distribution (Xiao et al. 2006); asymptotic ones from the limiting
 * distribution after Anderson's normalisation (mean and variance of T), as SciPy.
 *
 * Missing values: nulls dropped; NaN/±Infinity as {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`, `MONITORING_DEGENERATE_SAMPLE`
 *   (a sample with fewer than two values, which SciPy rejects too).
 */
export function cramerVonMises2Sample(
  a: NumericSample,
  b: NumericSample,
  options: CramerVonMises2SampleOptions = {},
): TestResult {
  const x = sortFloat64(cleanSample(a, "a", options).values);
  const y = sortFloat64(cleanSample(b, "b", options).values);
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) {
    throw new StatisticsError(
      "MONITORING_DEGENERATE_SAMPLE",
      "cramerVonMises2Sample needs two values per sample.",
      {
        hint: "Pass at least two values in each sample.",
        details: { argument: nx < 2 ? "a" : "b" },
      },
    );
  }
  let method = options.method ?? "auto";
  if (method === "auto") method = Math.max(nx, ny) > 20 ? "asymptotic" : "exact";
  const pooled = new Float64Array(nx + ny);
  pooled.set(x);
  pooled.set(y, nx);
  const { ranks } = averageRanks(pooled);
  let ux = 0;
  for (let i = 0; i < nx; i++) ux += (ranks[i]! - (i + 1)) ** 2;
  let uy = 0;
  for (let i = 0; i < ny; i++) uy += (ranks[nx + i]! - (i + 1)) ** 2;
  const u = nx * ux + ny * uy;
  const k = nx * ny;
  const N = nx + ny;
  const t = u / (k * N) - (4 * k - 1) / (6 * N);
  let p: number;
  if (method === "exact") {
    p = exactPValue(u, nx, ny);
  } else {
    const et = (1 + 1 / N) / 6;
    const vt = ((N + 1) * (4 * k * N - 3 * (nx * nx + ny * ny) - 2 * k)) / (45 * N * N * 4 * k);
    const tn = 1 / 6 + (t - et) / Math.sqrt(45 * vt);
    p = tn < 0.003 ? 1 : Math.max(0, 1 - cramerVonMisesLimitCdf(tn));
  }
  return { statistic: t, pValue: p, method };
}
