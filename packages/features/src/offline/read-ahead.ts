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
