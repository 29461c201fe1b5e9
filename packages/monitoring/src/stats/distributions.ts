import betainc from "@stdlib/math-base-special-betainc";
import gammainc from "@stdlib/math-base-special-gammainc";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";

// Survival functions computed from the upper tail directly, so small p-values keep their relative precision.

/** Standard normal survival function, P(Z > z). */
export function normalSf(z: number): number {
  return normalCdf(-z, 0, 1);
}

/** Standard normal CDF, P(Z <= z). */
export function normalCdfStd(z: number): number {
  return normalCdf(z, 0, 1);
}

/** Chi-square survival function with `dof` degrees of freedom (regularised upper incomplete gamma). */
export function chiSquareSf(x: number, dof: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, dof / 2, true, true);
}

/** Student t survival function, P(T > t), through the regularised incomplete beta function. */
export function studentTSf(t: number, dof: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  const x = dof / (dof + t * t);
  const tail = 0.5 * betainc(x, dof / 2, 0.5, true, false);
  return t > 0 ? tail : 1 - tail;
}
