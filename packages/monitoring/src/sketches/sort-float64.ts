/**
 * Sorts `a[lo, hi)` ascending in place: quicksort with a median-of-three pivot, insertion sort below
 * 24 items. The values must not be NaN. Written here because V8's built-in TypedArray sort costs about
 * 130 ns per item on the few-hundred-item runs KLL compacts (measured on Node 20), several times
 * this loop.
 */
export function sortFloat64(a: Float64Array, lo = 0, hi = a.length): void {
  while (hi - lo > 24) {
    const mid = (lo + hi) >>> 1;
    const last = hi - 1;
    // Median of three into a[mid].
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[last]! < a[lo]!) swap(a, last, lo);
    if (a[last]! < a[mid]!) swap(a, last, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = last;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger: O(log n) stack.
    if (j + 1 - lo < hi - i) {
      sortFloat64(a, lo, j + 1);
      lo = i;
    } else {
      sortFloat64(a, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
