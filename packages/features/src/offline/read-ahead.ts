/**
 * Iterates `source` one item ahead: the next item is requested as soon as the current one is
 * handed out, so its I/O (range reads of the next row group) runs while the consumer works on the
 * current one. When the consumer stops early, the request in flight is awaited (its failure
 * ignored, since nobody wants that item) and the source is closed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const result: IteratorResult<T> = await pending;
      pending = undefined;
      if (result.done) {
        finished = true;
        return;
      }
      pending = iterator.next();
      // A failure of the read ahead surfaces on the next turn; until then it must not count as unhandled.
      pending.catch(() => {});
      yield result.value;
    }
  } finally {
    if (!finished) {
      if (pending) await pending.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

/**
 * Yields every item of `sources[0]`, then of `sources[1]`, and so on, starting each source (up to
 * its first item) while the one before it is being consumed: for a scan of many files, the next
 * file's footer and first row groups are read while the current file's last ones are used, so the
 * consumer does not wait at each file boundary. A source's failure surfaces in its turn, after the
 * items before it. When the consumer stops early, the started sources are awaited and closed.
 */
export async function* chainAhead<T>(
  sources: readonly (() => AsyncIterable<T>)[],
): AsyncGenerator<T, void, undefined> {
  type Started = { iterator: AsyncIterator<T>; first: Promise<IteratorResult<T>> };
  const start = (index: number): Started | undefined => {
    const source = sources[index];
    if (!source) return undefined;
    const iterator = source()[Symbol.asyncIterator]();
    const first = iterator.next();
    first.catch(() => {});
    return { iterator, first };
  };
  let current = start(0);
  let next: Started | undefined;
  let finished = false;
  try {
    for (let index = 0; current; index++) {
      next = start(index + 1);
      let result = await current.first;
      while (!result.done) {
        yield result.value;
        result = await current.iterator.next();
      }
      current = next;
      next = undefined;
    }
    finished = true;
  } finally {
    if (!finished) {
      for (const started of [current, next]) {
        if (!started) continue;
        await started.first.catch(() => undefined);
        await started.iterator.return?.()?.catch?.(() => undefined);
      }
    }
  }
}

/**
 * Starts `source` now, requesting its first item, and returns it for iterating later: a scan's
 * first row groups are then fetched and decoded while the caller prepares to consume them. Call
 * `close` if the iteration never happens.
 */
export function startEarly<T>(source: AsyncIterable<T>): AsyncIterable<T> & { close(): Promise<void> } {
  const iterator = source[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  first.catch(() => {});
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const pending = first ?? iterator.next();
        first = undefined;
        return pending;
      },
      return: async (): Promise<IteratorResult<T>> => {
        await first?.catch(() => undefined);
        first = undefined;
        await iterator.return?.();
        return { done: true, value: undefined };
      },
    }),
    close: async () => {
      await first?.catch(() => undefined);
      first = undefined;
      await iterator.return?.();
    },
  };
}
