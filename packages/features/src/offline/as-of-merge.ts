/**
 * The kernels of the as-of join, over typed arrays: group entity rows by dense key id with a
 * counting sort, order each group by time, and merge the streamed source rows into those runs.
 */

/** Rows grouped by key id: group k is `order[start[k] .. start[k + 1])`. */
export interface KeyGroups {
  order: Int32Array;
  start: Int32Array;
}

/**
 * Counting sort of rows `0..n` by `keys[row]` (ids 0..groups-1); rows with a negative id are left
 * out. Stable: within a group, rows keep their index order.
 */
export function groupByKey(keys: Int32Array, n: number, groups: number): KeyGroups {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k >= 0) start[k + 1]!++;
  }
  for (let k = 0; k < groups; k++) start[k + 1]! += start[k]!;
  const cursor = start.slice(0, groups);
  const order = new Int32Array(start[groups]!);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k >= 0) order[cursor[k]!++] = i;
  }
  return { order, start };
}

/** Below this size a group is ordered by insertion sort, which is fastest on short or nearly sorted runs. */
const INSERTION_LIMIT = 24;

/**
 * Orders each group by (ts, created, row index) ascending. The row index is the read order, so among
 * rows equal in both timestamps the one read last comes last. `created` may be null (all equal).
 */
export function sortGroups(groups: KeyGroups, ts: Float64Array, created: Float64Array | null): void {
  const { order, start } = groups;
  const before = (a: number, b: number): boolean => {
    const ta = ts[a]!;
    const tb = ts[b]!;
    if (ta !== tb) return ta < tb;
    if (created) {
      const ca = created[a]!;
      const cb = created[b]!;
      if (ca !== cb) return ca < cb;
    }
    return a < b;
  };
  const compare = (a: number, b: number): number => (before(a, b) ? -1 : before(b, a) ? 1 : 0);
  const count = start.length - 1;
  for (let k = 0; k < count; k++) {
    const from = start[k]!;
    const to = start[k + 1]!;
    if (to - from < 2) continue;
    if (to - from <= INSERTION_LIMIT) {
      for (let i = from + 1; i < to; i++) {
        const row = order[i]!;
        let j = i - 1;
        while (j >= from && before(row, order[j]!)) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = row;
      }
    } else {
      // Skip the sort when the run already is in order (sources are usually written in time order).
      let sorted = true;
      for (let i = from + 1; i < to && sorted; i++) sorted = before(order[i - 1]!, order[i]!);
      if (!sorted) order.subarray(from, to).sort(compare);
    }
  }
}

/**
 * The state of an as-of join for one view: one slot per entity row, in (key id, T) order.
 *
 * A source row becomes visible to an entity row at T when its event ts <= T and, when rows created
 * after T are excluded, its created ts <= T: from its visibility time v = max(ts, created) on. Within
 * a key, the row goes to the slot of the first entity row whose T >= v (binary search in the key's
 * sorted entity times); every entity row at or after that slot sees it, none before. Any entity row
 * that sees one row of a slot sees them all, so a slot keeps only its greatest row by (ts, created),
 * a later row winning a full tie (equal pairs always land in one slot, v being a function of the
 * pair). The answer for the entity row at slot i is then the greatest row over slots 0..i of its key,
 * a prefix maximum; with a lookback it counts only when its ts >= T - lookback, and when it does not,
 * no other row can (the order is by ts first).
 *
 * Memory is the slots (one per entity row), whatever the size of the source; work per source row
 * is a hash lookup, a binary search among its key's entity times and, when it wins its slot, a copy
 * of its values.
 */
export class AsOfSlots {
  /**
   * `stride` numbers per slot, side by side so that placing a row touches few cache lines: the
   * entity time, the event ts of the slot's row (NaN while empty), its created ts (-Infinity when
   * unknown, 0 without created timestamps; left out when rows are tracked for a source without
   * them) and, when rows are tracked, the row's ordinal in the scan. Small slots matter: the
   * merge's random accesses into them are most of its time once they no longer fit in cache.
   */
  private readonly state: Float64Array;
  private readonly stride: number;
  /** Offset of the created ts in a slot, or -1 when it is left out (always 0). */
  private readonly createdAt: number;
  /** Offset of the ordinal in a slot (tracked rows only). */
  private readonly ordinalAt: number;
  private readonly groups: KeyGroups;
  private readonly lookbackMs: number | undefined;
  private readonly excludeCreatedAfter: boolean;
  /**
   * Per key, the slot its last row went to: the search starts there. Sources are mostly written in
   * time order, so a key's next row usually lands in the same slot or the next one, and the two
   * entity times that confirm it share a cache line, where a binary search over the key's run would
   * touch several.
   */
  private readonly cursor: Int32Array;

  constructor(
    groups: KeyGroups,
    entityTs: Float64Array,
    lookbackMs: number | undefined,
    excludeCreatedAfter: boolean,
    trackRows = false,
    withCreated = true,
  ) {
    this.groups = groups;
    const size = groups.order.length;
    this.createdAt = trackRows && !withCreated ? -1 : 2;
    this.ordinalAt = this.createdAt < 0 ? 2 : 3;
    const stride = trackRows ? this.ordinalAt + 1 : 3;
    this.stride = stride;
    this.state = new Float64Array(size * stride);
    for (let i = 0; i < size; i++) {
      this.state[stride * i] = entityTs[groups.order[i]!]!;
      this.state[stride * i + 1] = Number.NaN;
    }
    this.lookbackMs = lookbackMs;
    this.excludeCreatedAfter = excludeCreatedAfter;
    this.cursor = groups.start.slice(0, Math.max(0, groups.start.length - 1));
  }

  /**
   * The first slot of key `k`'s run [from, end) whose entity time is >= `visible` (`end` when none),
   * searched from the key's cursor outwards.
   */
  private firstSlotAtOrAfter(k: number, from: number, end: number, visible: number): number {
    const state = this.state;
    const stride = this.stride;
    const hint = this.cursor[k]!;
    let lo: number;
    let hi: number;
    if (state[stride * hint]! < visible) {
      lo = hint + 1;
      hi = end;
      // The usual case: the next slot is the one.
      if (lo < end && state[stride * lo]! >= visible) hi = lo;
    } else {
      if (hint === from || state[stride * (hint - 1)]! < visible) return hint;
      lo = from;
      hi = hint - 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (state[stride * mid]! < visible) lo = mid + 1;
      else hi = mid;
    }
    if (lo < end) this.cursor[k] = lo;
    return lo;
  }

  /**
   * Offers rows 0..n of a batch (key ids, event ts with NaN for null, created ts with -Infinity for
   * null or null when the source has none). Writes the rows that won their slot, in row order, to
   * `rows` and their slots to `slots`, and returns how many; when a slot is won twice in one batch,
   * the later entry is the better row, so copying in order leaves the winner.
   */
  offer(
    n: number,
    keys: Int32Array,
    ts: Float64Array,
    created: Float64Array | null,
    rows: Int32Array,
    slots: Int32Array,
  ): number {
    const state = this.state;
    const stride = this.stride;
    const start = this.groups.start;
    const hasLookback = this.lookbackMs !== undefined;
    const lookback = this.lookbackMs ?? 0;
    const filterCreated = this.excludeCreatedAfter && created !== null;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      if (k < 0) continue;
      const t = ts[i]!;
      if (Number.isNaN(t)) continue; // a null event ts never matches
      let lo = start[k]!;
      const end = start[k + 1]!;
      if (lo === end) continue;
      // Older than every entity row's lookback floor: never visible.
      if (hasLookback && t < state[stride * lo]! - lookback) continue;
      const c = created ? created[i]! : 0;
      const visible = filterCreated && c > t ? c : t;
      // First slot whose entity time is >= the visibility time.
      lo = this.firstSlotAtOrAfter(k, lo, end, visible);
      if (lo === end) continue; // visible after every entity row of its key
      const at = stride * lo;
      const current = state[at + 1]!;
      if (Number.isNaN(current) || t > current || (t === current && c >= state[at + 2]!)) {
        state[at + 1] = t;
        state[at + 2] = c;
        rows[count] = i;
        slots[count] = lo;
        count++;
      }
    }
    return count;
  }

  /**
   * Like {@link offer}, but only remembers each winner's ordinal in the scan (`firstOrdinal + i`)
   * in its slot; needs `trackRows`. The values are fetched later, for the final winners only.
   */
  offerTracked(
    n: number,
    keys: Int32Array,
    ts: Float64Array,
    created: Float64Array | null,
    firstOrdinal: number,
  ): void {
    const state = this.state;
    const stride = this.stride;
    const createdAt = this.createdAt;
    const ordinalAt = this.ordinalAt;
    const start = this.groups.start;
    const hasLookback = this.lookbackMs !== undefined;
    const lookback = this.lookbackMs ?? 0;
    const filterCreated = this.excludeCreatedAfter && created !== null;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      if (k < 0) continue;
      const t = ts[i]!;
      if (Number.isNaN(t)) continue;
      let lo = start[k]!;
      const end = start[k + 1]!;
      if (lo === end) continue;
      if (hasLookback && t < state[stride * lo]! - lookback) continue;
      const c = created ? created[i]! : 0;
      const visible = filterCreated && c > t ? c : t;
      lo = this.firstSlotAtOrAfter(k, lo, end, visible);
      if (lo === end) continue;
      const at = stride * lo;
      const current = state[at + 1]!;
      // Without created timestamps every c is 0, so a tie in ts goes to the later row.
      if (
        Number.isNaN(current) ||
        t > current ||
        (t === current && (createdAt < 0 || c >= state[at + createdAt]!))
      ) {
        state[at + 1] = t;
        if (createdAt >= 0) state[at + createdAt] = c;
        state[at + ordinalAt] = firstOrdinal + i;
      }
    }
  }

  /** For each entity row (by its index in the entity table), the slot holding its answer, or -1. */
  winners(entityRows: number): Int32Array {
    const out = new Int32Array(entityRows).fill(-1);
    const { order, start } = this.groups;
    const state = this.state;
    const stride = this.stride;
    const createdAt = this.createdAt;
    const hasLookback = this.lookbackMs !== undefined;
    const lookback = this.lookbackMs ?? 0;
    const groups = start.length - 1;
    for (let k = 0; k < groups; k++) {
      let best = -1;
      let bestTs = 0;
      let bestCreated = 0;
      for (let p = start[k]!; p < start[k + 1]!; p++) {
        const t = state[stride * p + 1]!;
        const c = createdAt < 0 ? 0 : state[stride * p + createdAt]!;
        if (!Number.isNaN(t) && (best < 0 || t > bestTs || (t === bestTs && c > bestCreated))) {
          best = p;
          bestTs = t;
          bestCreated = c;
        }
        if (best >= 0 && (!hasLookback || bestTs >= state[stride * p]! - lookback)) out[order[p]!] = best;
      }
    }
    return out;
  }

  /** For each entity row, the scan ordinal of its answer's source row (see {@link offerTracked}), or -1. */
  matchedOrdinals(entityRows: number): Float64Array {
    const winners = this.winners(entityRows);
    const out = new Float64Array(entityRows);
    const state = this.state;
    for (let e = 0; e < entityRows; e++) {
      const slot = winners[e]!;
      out[e] = slot < 0 ? -1 : state[this.stride * slot + this.ordinalAt]!;
    }
    return out;
  }
}
