/**
 * ∫ |F_u(t) - F_v(t)|^p dt over the pooled support for sorted samples (p = 1 or 2), the quantity behind
 * `scipy.stats.wasserstein_distance` (p = 1) and `energy_distance` (p = 2, before the square root).
 * One merge pass: each pooled value t_k adds |F_u - F_v|^p (t_k - t_{k-1}) with both ECDFs counted over
 * the values before it (ties add a zero-width term). The sum of these non-negative terms is
 * Kahan-compensated, so millions of terms keep full precision.
 */
export function cdfDistanceSorted(u: Float64Array, v: Float64Array, p: 1 | 2): number {
  const nu = u.length;
  const nv = v.length;
  const invU = 1 / nu;
  const invV = 1 / nv;
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0;
  let prev = Math.min(u[0]!, v[0]!);
  while (i < nu && j < nv) {
    const a = u[i]!;
    const b = v[j]!;
    const next = Math.min(a, b);
    const diff = i * invU - j * invV;
    const y = (p === 1 ? Math.abs(diff) : diff * diff) * (next - prev) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    prev = next;
    if (a <= b) i++;
    else j++;
  }
  // One sample is exhausted: the other's remaining steps close the gap.
  for (; i < nu; i++) {
    const next = u[i]!;
    const diff = 1 - i * invU;
    const y = (p === 1 ? diff : diff * diff) * (next - prev) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    prev = next;
  }
  for (; j < nv; j++) {
    const next = v[j]!;
    const diff = 1 - j * invV;
    const y = (p === 1 ? diff : diff * diff) * (next - prev) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    prev = next;
  }
  return sum;
}

/** Terms per block of the compensated block sums in {@link wasserstein1Sorted}. */
const SUM_BLOCK = 256;

/**
 * W₁ of two sorted samples through their quantile functions, ∫₀¹ |F_u⁻¹(s) − F_v⁻¹(s)| ds, which equals
 * ∫ |F_u − F_v| dt (the same value as {@link cdfDistanceSorted} with p = 1) but walks the quantile
 * breakpoints i/n_u and j/n_v in exact integer arithmetic instead of merging the values, so the loop has
 * no data-dependent branches (several times faster on large samples).
 */
export function wasserstein1Sorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  let sum = 0;
  let comp = 0;
  if (nu === nv) {
    // Blocks of terms summed plainly in four independent lanes (no dependency chain through a
    // compensation), the block sums Kahan-compensated: the rounding error stays at about
    // BLOCK·ε relative, far below 1e-9, at a fraction of per-term compensation's cost.
    for (let start = 0; start < nu; start += SUM_BLOCK) {
      const end = Math.min(nu, start + SUM_BLOCK);
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      let i = start;
      for (; i + 3 < end; i += 4) {
        a += Math.abs(u[i]! - v[i]!);
        b += Math.abs(u[i + 1]! - v[i + 1]!);
        c += Math.abs(u[i + 2]! - v[i + 2]!);
        d += Math.abs(u[i + 3]! - v[i + 3]!);
      }
      for (; i < end; i++) a += Math.abs(u[i]! - v[i]!);
      const y = a + b + (c + d) - comp;
      const t = sum + y;
      comp = t - sum - y;
      sum = t;
    }
    return sum / nu;
  }
  // Positions in units of 1/(nu nv): u[i] covers (i nv, (i+1) nv], v[j] covers (j nu, (j+1) nu].
  let i = 0;
  let j = 0;
  let pos = 0;
  let endU = nv;
  let endV = nu;
  while (i < nu && j < nv) {
    const end = Math.min(endU, endV);
    const y = (end - pos) * Math.abs(u[i]! - v[j]!) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    pos = end;
    if (endU === end) {
      i++;
      endU += nv;
    }
    if (endV === end) {
      j++;
      endV += nu;
    }
  }
  return sum / nu / nv;
}
