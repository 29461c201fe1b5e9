import { chiSquareSf } from "./distributions.js";
import { cleanSample, type NumericSample, type SampleOptions } from "./numeric-sample.js";
import { sortFloat64 } from "./radix-sort.js";
import { StatisticsError } from "./statistics-error.js";
import type { TestResult } from "./test-result.js";

/** Options of {@link eppsSingleton}. */
export interface EppsSingletonOptions extends SampleOptions {
  /** Points where the empirical characteristic functions are compared, before scaling (default [0.4, 0.8]). */
  t?: readonly number[];
}

/** Linear-interpolated percentile of sorted values (NumPy's default `method="linear"`). */
function percentile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan, §8.5):
 * returns the eigenvalues and the eigenvectors as columns of V (row-major, d × d).
 */
export function symmetricEigen(
  matrix: Float64Array,
  d: number,
): { values: Float64Array; vectors: Float64Array } {
  const A = matrix.slice();
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += A[p * d + q]! ** 2;
    if (off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q]!;
        if (apq === 0) continue;
        const theta = (A[q * d + q]! - A[p * d + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = A[k * d + p]!;
          const akq = A[k * d + q]!;
          A[k * d + p] = c * akp - s * akq;
          A[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k]!;
          const aqk = A[q * d + k]!;
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = V[k * d + p]!;
          const vkq = V[k * d + q]!;
          V[k * d + p] = c * vkp - s * vkq;
          V[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = A[i * d + i]!;
  return { values, vectors: V };
}

/**
 * Epps-Singleton two-sample test on empirical characteristic functions, matching
 * `scipy.stats.epps_singleton_2samp(a, b, t=(0.4, 0.8))` (Epps & Singleton 1986): t is scaled by the
 * semi-interquartile range of the pooled sample; the statistic is n · Δgᵀ Σ⁺ Δg with Σ the pooled biased
 * covariance of (cos tx, sin tx), Σ⁺ its pseudo-inverse (singular values below 1e-15 of the largest
 * dropped, NumPy's `pinv` default); the small-sample correction applies below 25 values; the p-value is
 * chi-square with the rank of Σ⁺ degrees of freedom (method `"chi2"`).
 *
 * Missing values: nulls dropped; NaN/±Infinity as {@link SampleOptions}.
 *
 * @throws StatisticsError `MONITORING_EMPTY_SAMPLE`, `MONITORING_NON_FINITE`, `MONITORING_DEGENERATE_SAMPLE`
 *   (fewer than 5 values in a sample, or a zero interquartile range), `MONITORING_INVALID_INPUT` (t ≤ 0).
 */
export function eppsSingleton(
  a: NumericSample,
  b: NumericSample,
  options: EppsSingletonOptions = {},
): TestResult {
  const x = cleanSample(a, "a", options).values;
  const y = cleanSample(b, "b", options).values;
  const nx = x.length;
  const ny = y.length;
  if (nx < 5 || ny < 5) {
    throw new StatisticsError(
      "MONITORING_DEGENERATE_SAMPLE",
      `eppsSingleton needs 5 values per sample (got ${nx}, ${ny}).`,
      {
        hint: "Pass at least five values in each sample.",
        details: { argument: nx < 5 ? "a" : "b" },
      },
    );
  }
  const t = options.t ?? [0.4, 0.8];
  if (t.length === 0 || t.some((v) => !(v > 0))) {
    throw new StatisticsError("MONITORING_INVALID_INPUT", "t must hold positive numbers.", {
      hint: "Pass t such as [0.4, 0.8].",
      details: { argument: "options.t" },
    });
  }
  const n = nx + ny;
  const pooled = new Float64Array(n);
  pooled.set(x);
  pooled.set(y, nx);
  sortFloat64(pooled);
  const sigma = (percentile(pooled, 0.75) - percentile(pooled, 0.25)) / 2;
  if (!(sigma > 0)) {
    throw new StatisticsError("MONITORING_DEGENERATE_SAMPLE", "The pooled interquartile range is 0.", {
      hint: "Epps-Singleton scales by the interquartile range; use a test that accepts near-constant samples.",
      details: { argument: "a" },
    });
  }
  const ts = t.map((v) => v / sigma);
  const d = 2 * ts.length;
  const moments = (s: Float64Array) => {
    const m = s.length;
    const g = new Float64Array(d * m);
    for (let k = 0; k < ts.length; k++) {
      for (let i = 0; i < m; i++) {
        g[k * m + i] = Math.cos(ts[k]! * s[i]!);
        g[(ts.length + k) * m + i] = Math.sin(ts[k]! * s[i]!);
      }
    }
    const mean = new Float64Array(d);
    for (let r = 0; r < d; r++) {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += g[r * m + i]!;
      mean[r] = sum / m;
    }
    const cov = new Float64Array(d * d);
    for (let r = 0; r < d; r++) {
      for (let c = r; c < d; c++) {
        let sum = 0;
        for (let i = 0; i < m; i++) sum += (g[r * m + i]! - mean[r]!) * (g[c * m + i]! - mean[c]!);
        cov[r * d + c] = sum / m;
        cov[c * d + r] = sum / m;
      }
    }
    return { mean, cov };
  };
  const gx = moments(x);
  const gy = moments(y);
  const est = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) est[i] = (n / nx) * gx.cov[i]! + (n / ny) * gy.cov[i]!;
  const { values, vectors } = symmetricEigen(est, d);
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  const inverse = new Float64Array(d);
  for (let i = 0; i < d; i++) inverse[i] = Math.abs(values[i]!) > 1e-15 * largest ? 1 / values[i]! : 0;
  let largestInverse = 0;
  for (const v of inverse) largestInverse = Math.max(largestInverse, Math.abs(v));
  let rank = 0;
  for (const v of inverse) if (Math.abs(v) > largestInverse * d * Number.EPSILON) rank++;
  const diff = new Float64Array(d);
  for (let r = 0; r < d; r++) diff[r] = gx.mean[r]! - gy.mean[r]!;
  let w = 0;
  for (let k = 0; k < d; k++) {
    let proj = 0;
    for (let r = 0; r < d; r++) proj += vectors[r * d + k]! * diff[r]!;
    w += inverse[k]! * proj * proj;
  }
  w *= n;
  if (Math.max(nx, ny) < 25) w /= 1 + n ** -0.45 + 10.1 * (nx ** -1.7 + ny ** -1.7);
  return { statistic: w, pValue: chiSquareSf(w, rank), method: "chi2" };
}
