/** Count, mean and sum of squared deviations (M2) of some values: Welford's running form. */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/**
 * Combines the moments of two disjoint samples (Chan, Golub, LeVeque, "Updating formulae and a pairwise
 * algorithm for computing sample variances", 1979): with δ = mean_b − mean_a,
 * M2 = M2_a + M2_b + δ²·n_a·n_b/n. The mean is written as (n_a·mean_a + n_b·mean_b)/n, which is
 * symmetric, so combining a with b gives bit-for-bit the same result as b with a.
 */
export function combineMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return {
    n,
    mean: (a.n * a.mean + b.n * b.mean) / n,
    m2: a.m2 + b.m2 + ((delta * delta * a.n) / n) * b.n,
  };
}
