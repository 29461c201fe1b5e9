import gammaln from "@stdlib/math-base-special-gammaln";
import { kolmogorovSf } from "./kolmogorov-distribution.js";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { sortFloat64 } from "./radix-sort.js";
import { StatisticsError } from "./statistics-error.js";
import type { Alternative, TestResult } from "./test-result.js";

/** Options of {@link ks2Sample}. */
export interface Ks2SampleOptions extends SampleOptions {
  /** `"auto"` (default): exact when both samples have at most 10,000 values, else asymptotic. */
  method?: "auto" | "exact" | "asymp";
  alternative?: Alternative;
}

const MAX_AUTO_N = 10_000;
const INT32_MAX = 2_147_483_647;
const LOG_MAX_DOUBLE = Math.log(Number.MAX_VALUE);

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Largest signed ECDF differences of two sorted samples: max(F_a - F_b) and max(F_b - F_a). */
export function ksDifferences(a: Float64Array, b: Float64Array): { plus: number; minus: number } {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let plus = 0;
  let minus = 0;
  while (i < n1 && j < n2) {
    const v = Math.min(a[i]!, b[j]!);
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const d = i / n1 - j / n2;
    if (d > plus) plus = d;
    if (-d > minus) minus = -d;
  }
  // Once one sample is exhausted the gap shrinks monotonically, so the maxima are already found.
  return { plus, minus };
}

/**
 * P(D >= h/lcm) for the two-sided statistic of samples of sizes m and n (lattice paths leaving the band
 * |i/m - j/n| < h/lcm), by Hodges' "inside" recursion on the complementary probability (Viehmann,
 * "Numerically more stable computation of the p-values for the two-sample Kolmogorov-Smirnov test",
 * arXiv:2102.08037): B(i,j) = (i B(i-1,j) + j B(i,j-1)) / (i+j) inside the band, 1 outside.
 */
function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  let prevLo = 0;
  let prevHi = Math.min(Math.ceil(h / mg) - 1, n);
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    const hi = Math.min(Math.ceil((ng * i + h) / mg) - 1, n);
    if (hi < lo) return 1;
    let down = lo === 0 ? 0 : 1;
    for (let j = lo; j <= hi; j++) {
      const left = j >= prevLo && j <= prevHi ? prev[j]! : 1;
      down = (left * i + down * j) / (i + j);
      cur[j] = down;
    }
    [prev, cur] = [cur, prev];
    prevLo = lo;
    prevHi = hi;
  }
  return prev[n]!;
}

/**
 * P(D+ >= h/lcm) for the one-sided statistic: the same recursion with only the upper boundary
 * i/m - j/n >= h/lcm absorbing (Hodges 1958).
 */
function probAboveLine(m: number, n: number, g: number, h: number): number {
  const ng = n / g;
  const mg = m / g;
  const prev = new Float64Array(n + 1);
  for (let i = 0; i <= m; i++) {
    let down = 0;
    for (let j = 0; j <= n; j++) {
      let value: number;
      if (ng * i - mg * j >= h) value = 1;
      else if (i === 0 && j === 0) value = 0;
      else value = (prev[j]! * i + down * j) / (i + j);
      prev[j] = value;
      down = value;
    }
  }
  return prev[n]!;
}

/** Two-sided tail for equal sizes: 2 Σ_k (-1)^(k-1) C(2n, n-kh)/C(2n, n), in nested (Horner) form. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

function exactProbability(
  n1: number,
  n2: number,
  g: number,
  h: number,
  alternative: Alternative,
): number | null {
  if (h === 0) return 1;
  let prob: number;
  if (alternative === "two-sided") {
    prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  } else if (n1 === n2) {
    prob = 1;
    for (let j = 0; j < h; j++) prob *= (n1 - j) / (n1 + j + 1);
  } else {
    // SciPy counts paths and divides by C(n1+n2, n1); where that overflows a double it falls back to the
    // asymptotic formula, and so do we, to report the same numbers.
    const logBinom = gammaln(n1 + n2 + 1) - gammaln(n1 + 1) - gammaln(n2 + 1);
    if (logBinom > LOG_MAX_DOUBLE) return null;
    prob = probAboveLine(n1, n2, g, h);
  }
  if (!(prob >= 0 && prob <= 1)) return null;
  return prob;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Two-sample Kolmogorov-Smirnov test, matching `scipy.stats.ks_2samp`.
 *
 * The statistic is the largest ECDF difference (two-sided), max(F_a - F_b) (`"greater"`) or
 * max(F_b - F_a) (`"less"`). `"exact"` p-values come from the lattice-path distribution (Hodges 1958; the
 * statistic is then reported rounded to a multiple of 1/lcm(n_a, n_b), as SciPy does); `"asymp"` uses the
 * one-sample Kolmogorov distribution with n = round(n_a n_b / (n_a + n_b)) (two-sided) or Hodges' eq. 5.3
 * (one-sided). `"auto"` is exact up to 10,000 values per sample. An exact request that cannot be computed
 * (lcm above 2^31, or an overflowing path count) falls back to `"asymp"`, reported in `method`.
 *
 * Missing values: nulls dropped; NaN/±Infinity throw `MONITORING_NON_FINITE` unless `nonFinite: "drop"`.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`, `MONITORING_INVALID_INPUT`.
 * @example
 * const { statistic, pValue } = ks2Sample([1, 2, 3], [2, 3, 4, 5]);
 */
export function ks2Sample(a: NumericSample, b: NumericSample, options: Ks2SampleOptions = {}): TestResult {
  const alternative = options.alternative ?? "two-sided";
  let method = options.method ?? "auto";
  if (
    !["auto", "exact", "asymp"].includes(method) ||
    !["two-sided", "less", "greater"].includes(alternative)
  ) {
    throw new StatisticsError(
      "MONITORING_INVALID_INPUT",
      `Unknown ks2Sample option ${method}/${alternative}.`,
      {
        hint: 'Use method "auto" | "exact" | "asymp" and alternative "two-sided" | "less" | "greater".',
        details: { argument: "options" },
      },
    );
  }
  const x = sortFloat64(cleanSample(a, "a", options).values);
  const y = sortFloat64(cleanSample(b, "b", options).values);
  const n1 = x.length;
  const n2 = y.length;
  const { plus, minus } = ksDifferences(x, y);
  let d = alternative === "two-sided" ? Math.max(plus, minus) : alternative === "greater" ? plus : minus;
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  if (method === "auto") method = Math.max(n1, n2) <= MAX_AUTO_N ? "exact" : "asymp";
  else if (method === "exact" && n1g >= INT32_MAX / n2g) method = "asymp";
  // One value against one: the asymptotic distribution has n = round(1/2) = 0 and SciPy answers NaN;
  // the exact distribution is defined, so use it.
  if (method === "asymp" && n1 === 1 && n2 === 1) method = "exact";
  let prob = Number.NaN;
  if (method === "exact") {
    const lcm = n1g * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    const exact = exactProbability(n1, n2, g, h, alternative);
    if (exact === null) method = "asymp";
    else prob = exact;
  }
  if (method === "asymp") {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    if (alternative === "two-sided") {
      prob = kolmogorovSf(roundHalfEven(en), d);
    } else {
      const z = Math.sqrt(en) * d;
      prob = Math.exp(-2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
    }
  }
  return { statistic: d, pValue: Math.min(1, Math.max(0, prob)), method };
}
