// The distribution of the one-sample Kolmogorov-Smirnov statistic D_n for finite n, as used by
// scipy.stats.kstwo (and therefore by ks_2samp's "asymp" method with n = round(m n / (m + n))).
// Following Simard & L'Ecuyer, "Computing the two-sided Kolmogorov-Smirnov distribution", J. Stat. Softw.
// 39(11), 2011: Ruben-Gambino closed forms at the ends of the range, twice the one-sided (Smirnov)
// probability for large x, the Durbin matrix (Marsaglia, Tsang & Wang, J. Stat. Softw. 8(18), 2003) for
// small n or small x, and the Pelz-Good asymptotic series (1976) otherwise.

const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;

function clip01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** log(n! / n^n) by Stirling's series with n log n removed up front (no cancellation). */
function logFactorialOverPower(n: number): number {
  const r = 1 / n;
  const r2 = r * r;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)));
}

/**
 * One-sided Smirnov survival function P(D+_n >= x) by the Birnbaum-Tingey sum
 * x Σ_{j=0}^{⌊n(1-x)⌋} C(n,j) (1-x-j/n)^(n-j) (x+j/n)^(j-1), every term positive and taken in log space.
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x));
  // log C(n, j) accumulated term by term with Kahan compensation: each step adds log((n-j+1)/j), so the
  // error stays near machine precision instead of the ~n log n eps of a difference of log-gamma values.
  let logChoose = 0;
  let compensation = 0;
  let sum = 0;
  let peak = Number.NEGATIVE_INFINITY;
  for (let j = 0; j <= last; j++) {
    if (j > 0) {
      const y = Math.log((n - j + 1) / j) - compensation;
      const t = logChoose + y;
      compensation = t - logChoose - y;
      logChoose = t;
    }
    const b = x + j / n;
    let logTerm = logChoose + (j - 1) * Math.log(b);
    if (n - j > 0) logTerm += b < 1 ? (n - j) * Math.log1p(-b) : Number.NEGATIVE_INFINITY;
    if (logTerm > peak) peak = logTerm;
    else if (logTerm < peak - 60) break; // terms are unimodal in j; the rest cannot reach 1e-26 of the peak
    sum += Math.exp(logTerm);
  }
  return clip01(x * sum);
}

/** P(D_n <= d) by the Durbin matrix, computed as in Marsaglia, Tsang & Wang (2003) with exponent tracking. */
export function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  let P: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  const multiply = (A: Float64Array, B: Float64Array): Float64Array => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const a = A[i * m + l]!;
        if (a === 0) continue;
        for (let j = 0; j < m; j++) C[i * m + j]! += a * B[l * m + j]!;
      }
    }
    return C;
  };
  let nn = n;
  let exponent = 0;
  let hExponent = 0;
  while (nn > 0) {
    if (nn % 2) {
      P = multiply(P, H);
      exponent += hExponent;
    }
    H = multiply(H, H);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > EP128) {
      for (let i = 0; i < H.length; i++) H[i]! /= EP128;
      hExponent += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      exponent -= E128;
    }
  }
  if (exponent !== 0) p *= 2 ** exponent;
  return clip01(p);
}

/** Pelz-Good asymptotic approximation of P(D_n <= x). */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  // Horner evaluation of Σ_odd m c(m) q^(m²): consecutive odd squares differ by 8k.
  for (let k = maxk; k >= 1; k--) {
    const mm = 2 * k - 1;
    const m2 = mm * mm;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = q ** (8 * k);
    K[0] = K[0]! * qp + 1;
    K[1] = K[1]! * qp + (k1a + k1b * m2);
    K[2] = K[2]! * qp + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3]! * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / divisors[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k >= 1; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT2PI) / (-36 * z ** 3);
  K[3] = K[3]! + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let total = 0;
  for (let i = 0; i < 4; i++) total += K[i]! / n ** (i / 2);
  return total;
}

/** Survival function P(D_n >= x) of the two-sided one-sample Kolmogorov-Smirnov statistic (scipy.stats.kstwo.sf). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip01(1 - kolmogorovCdfDurbin(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nx2 >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmogorovCdfDurbin(n, x);
  else cdf = kolmogorovCdfPelzGood(n, x);
  return clip01(1 - cdf);
}
