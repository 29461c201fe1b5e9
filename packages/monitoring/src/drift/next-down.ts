const buffer = new DataView(new ArrayBuffer(8));

/** The largest float64 below x (x itself for NaN and −∞), so `rank(nextDown(x))` is a left limit P(X < x). */
export function nextDown(x: number): number {
  if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) return x;
  if (x === 0) return -Number.MIN_VALUE;
  buffer.setFloat64(0, x);
  const bits = buffer.getBigInt64(0);
  buffer.setBigInt64(0, x > 0 ? bits - 1n : bits + 1n);
  return buffer.getFloat64(0);
}
