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
   * Three numbers per slot, side by side so that placing a row touches few cache lines: the entity
   * time, the event ts of the slot's row (NaN while empty) and its created ts (-Infinity when
   * unknown, 0 without created timestamps).
   */
  private readonly state: Float64Array;
  private readonly groups: KeyGroups;
  private readonly lookbackMs: number | undefined;
  private readonly excludeCreatedAfter: boolean;

  constructor(
    groups: KeyGroups,
    entityTs: Float64Array,
    lookbackMs: number | undefined,
    excludeCreatedAfter: boolean,
  ) {
    this.groups = groups;
    const size = groups.order.length;
    this.state = new Float64Array(size * 3);
    for (let i = 0; i < size; i++) {
      this.state[3 * i] = entityTs[groups.order[i]!]!;
      this.state[3 * i + 1] = Number.NaN;
    }
    this.lookbackMs = lookbackMs;
    this.excludeCreatedAfter = excludeCreatedAfter;
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
      if (hasLookback && t < state[3 * lo]! - lookback) continue;
      const c = created ? created[i]! : 0;
      const visible = filterCreated && c > t ? c : t;
      // First slot whose entity time is >= the visibility time.
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (state[3 * mid]! < visible) lo = mid + 1;
        else hi = mid;
      }
      if (lo === end) continue; // visible after every entity row of its key
      const current = state[3 * lo + 1]!;
      if (Number.isNaN(current) || t > current || (t === current && c >= state[3 * lo + 2]!)) {
        state[3 * lo + 1] = t;
        state[3 * lo + 2] = c;
        rows[count] = i;
        slots[count] = lo;
        count++;
      }
    }
    return count;
  }

  /** For each entity row (by its index in the entity table), the slot holding its answer, or -1. */
  winners(entityRows: number): Int32Array {
    const out = new Int32Array(entityRows).fill(-1);
    const { order, start } = this.groups;
    const state = this.state;
    const hasLookback = this.lookbackMs !== undefined;
    const lookback = this.lookbackMs ?? 0;
    const groups = start.length - 1;
    for (let k = 0; k < groups; k++) {
      let best = -1;
      let bestTs = 0;
      let bestCreated = 0;
      for (let p = start[k]!; p < start[k + 1]!; p++) {
        const t = state[3 * p + 1]!;
        const c = state[3 * p + 2]!;
        if (!Number.isNaN(t) && (best < 0 || t > bestTs || (t === bestTs && c > bestCreated))) {
          best = p;
          bestTs = t;
          bestCreated = c;
        }
        if (best >= 0 && (!hasLookback || bestTs >= state[3 * p]! - lookback)) out[order[p]!] = best;
      }
    }
    return out;
  }
}
