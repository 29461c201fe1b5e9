/** Average ranks (1-based, ties share their mean rank) of a pooled sample, and the tie group sizes. */
export interface Ranking {
  /** `ranks[i]` is the average rank of `values[i]`. */
  ranks: Float64Array;
  /** Sizes of the groups of equal values (only groups larger than one). */
  ties: number[];
}

/** Ranks `values` (unsorted, finite) like `scipy.stats.rankdata(method="average")`. */
export function averageRanks(values: Float64Array): Ranking {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  const ties: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    if (j - i > 1) ties.push(j - i);
    i = j;
  }
  return { ranks, ties };
}
