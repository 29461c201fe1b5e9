/**
 * Offset → file position of one segment, one entry per `spacing` bytes of frames (Kafka's
 * `index.interval.bytes` idea): a lookup lands at most `spacing` bytes plus one frame before the
 * wanted record, and the index stays small however small the appends are.
 */
export class SparseIndex {
  readonly #offsets: number[] = [];
  readonly #positions: number[] = [];
  #lastPosition = Number.NEGATIVE_INFINITY;

  constructor(readonly spacing = 4096) {}

  /** Records that the frame starting at `position` begins with `offset`; frames come in order. */
  add(offset: number, position: number): void {
    if (position - this.#lastPosition < this.spacing) return;
    this.#offsets.push(offset);
    this.#positions.push(position);
    this.#lastPosition = position;
  }

  /** Position of the last indexed frame starting at or before `offset` (0 when none). */
  lookup(offset: number): number {
    let low = 0;
    let high = this.#offsets.length - 1;
    let found = 0;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.#offsets[mid]! <= offset) {
        found = this.#positions[mid]!;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }
}
