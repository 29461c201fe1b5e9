import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { sortFloat64 } from "./radix-sort.js";
import { StatisticsError } from "./statistics-error.js";
import type { TestResult } from "./test-result.js";

// Scholz & Stephens (1987), "K-sample Anderson-Darling tests", JASA 82(399), table of b0, b1, b2 for the
// critical values at the significance levels below.
const SIG = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

/** Least-squares quadratic c0 + c1 x + c2 x² through (x_i, y_i), by Householder QR (no normal equations). */
function fitQuadratic(xs: readonly number[], ys: readonly number[]): [number, number, number] {
  const rows = xs.length;
  const A = xs.map((x) => [1, x, x * x]);
  const b = ys.slice();
  for (let col = 0; col < 3; col++) {
    let norm = 0;
    for (let r = col; r < rows; r++) norm += A[r]![col]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = A[col]![col]! > 0 ? -norm : norm;
    const v = new Array<number>(rows).fill(0);
    for (let r = col; r < rows; r++) v[r] = A[r]![col]!;
    v[col] = v[col]! - alpha;
    let vv = 0;
    for (let r = col; r < rows; r++) vv += v[r]! ** 2;
    if (vv === 0) continue;
    for (let c = col; c < 3; c++) {
      let dot = 0;
      for (let r = col; r < rows; r++) dot += v[r]! * A[r]![c]!;
      const f = (2 * dot) / vv;
      for (let r = col; r < rows; r++) A[r]![c] = A[r]![c]! - f * v[r]!;
    }
    let dot = 0;
    for (let r = col; r < rows; r++) dot += v[r]! * b[r]!;
    const f = (2 * dot) / vv;
    for (let r = col; r < rows; r++) b[r] = b[r]! - f * v[r]!;
  }
  const c2 = b[2]! / A[2]![2]!;
  const c1 = (b[1]! - A[1]![2]! * c2) / A[1]![1]!;
  const c0 = (b[0]! - A[0]![1]! * c1 - A[0]![2]! * c2) / A[0]![0]!;
  return [c0, c1, c2];
}

function lowerBound(s: Float64Array, v: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * k-sample Anderson-Darling test, matching `scipy.stats.anderson_ksamp(samples)` (midrank version A²akN of
 * Scholz & Stephens, for samples with ties). The statistic is standardised: (A²akN - (k-1)) / σ_N. The
 * p-value is SciPy's interpolation: a quadratic fitted to log(significance) against the critical values
 * b0 + b1/√(k-1) + b2/(k-1), evaluated at the statistic, and capped to [0.001, 0.25] outside the table
 * (method `"interpolated"`, or `"capped"` when a cap applied).
 *
 * Missing values: nulls dropped; NaN/±Infinity as {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_INVALID_INPUT` (fewer than two samples), `MONITORING_EMPTY_SAMPLE`,
 *   `MONITORING_NON_FINITE`, `MONITORING_DEGENERATE_SAMPLE` (one distinct value across all samples).
 */
export function andersonDarlingKSample(
  samples: readonly NumericSample[],
  options: SampleOptions = {},
): TestResult {
  const k = samples.length;
  if (k < 2) {
    throw new StatisticsError(
      "MONITORING_INVALID_INPUT",
      `anderson-darling needs at least 2 samples, got ${k}.`,
      {
        hint: "Pass an array of two or more samples.",
        details: { argument: "samples" },
      },
    );
  }
  const sorted = samples.map((s, i) => sortFloat64(cleanSample(s, `samples[${i}]`, options).values));
  let N = 0;
  for (const s of sorted) N += s.length;
  const Z = new Float64Array(N);
  let offset = 0;
  for (const s of sorted) {
    Z.set(s, offset);
    offset += s.length;
  }
  sortFloat64(Z);
  const distinct: number[] = [];
  const lj: number[] = [];
  const left: number[] = [];
  for (let i = 0; i < N; ) {
    let j = i + 1;
    while (j < N && Z[j] === Z[i]) j++;
    distinct.push(Z[i]!);
    left.push(i);
    lj.push(j - i);
    i = j;
  }
  if (distinct.length < 2) {
    throw new StatisticsError("MONITORING_DEGENERATE_SAMPLE", "All samples hold one and the same value.", {
      hint: "The Anderson-Darling statistic needs at least two distinct values across the samples.",
      details: { argument: "samples" },
    });
  }
  let a2 = 0;
  for (const s of sorted) {
    const ni = s.length;
    let inner = 0;
    let pos = 0;
    for (let z = 0; z < distinct.length; z++) {
      const v = distinct[z]!;
      const lo = lowerBound(s, v);
      pos = Math.max(pos, lo);
      while (pos < ni && s[pos] === v) pos++;
      const fij = pos - lo;
      const mij = pos - fij / 2;
      const l = lj[z]!;
      const bj = left[z]! + l / 2;
      const diff = N * mij - bj * ni;
      inner += ((l / N) * diff * diff) / (bj * (N - bj) - (N * l) / 4);
    }
    a2 += inner / ni;
  }
  a2 *= (N - 1) / N;
  let H = 0;
  for (const s of sorted) H += 1 / s.length;
  let h = 0;
  for (let i = 1; i < N; i++) h += 1 / i;
  // g = Σ_{i=1}^{N-2} Σ_{j=i+1}^{N-1} 1/((N-i) j), as a running sum over j.
  let g = 0;
  let inv = 0;
  for (let j = 2; j <= N - 1; j++) {
    inv += 1 / (N - (j - 1));
    g += inv / j;
  }
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const d = (2 * h + 6) * k * k - 4 * h * k;
  const sigmaSq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1) * (N - 2) * (N - 3));
  const m = k - 1;
  const statistic = (a2 - m) / Math.sqrt(sigmaSq);
  const critical = B0.map((b0, i) => b0 + B1[i]! / Math.sqrt(m) + B2[i]! / m);
  let pValue: number;
  let method = "interpolated";
  if (statistic < Math.min(...critical)) {
    pValue = Math.max(...SIG);
    method = "capped";
  } else if (statistic > Math.max(...critical)) {
    pValue = Math.min(...SIG);
    method = "capped";
  } else {
    const [c0, c1, c2] = fitQuadratic(critical, SIG.map(Math.log));
    pValue = Math.exp(c0 + statistic * (c1 + statistic * c2));
  }
  return { statistic, pValue, method };
}
