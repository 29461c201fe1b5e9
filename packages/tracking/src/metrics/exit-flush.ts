/**
 * Flushes metric buffers when the process is about to exit cleanly.
 *
 * Node emits `beforeExit` when the event loop has nothing left to do; starting a flush there keeps the
 * process alive until the write settles, after which `beforeExit` fires again and finds nothing left.
 * Each buffer is flushed at most once from here, so a database that keeps failing cannot hold the
 * process open forever. `process.exit()` and crashes skip `beforeExit`: points not yet written are lost
 * then, unless the program awaited `run.flush()` or `run.end()` first.
 */
export interface ExitFlushable {
  readonly pendingCount: number;
  flush(): Promise<void>;
  onExitFlushFailed(error: unknown): void;
}

const registered = new Set<ExitFlushable>();
const tried = new WeakSet<ExitFlushable>();
let hooked = false;

function onBeforeExit(): void {
  for (const buffer of registered) {
    if (buffer.pendingCount === 0 || tried.has(buffer)) continue;
    tried.add(buffer);
    buffer.flush().catch((error: unknown) => buffer.onExitFlushFailed(error));
  }
}

/** Adds a buffer to the exit flush; the listener is installed once per process, on first use. */
export function registerExitFlush(buffer: ExitFlushable): void {
  registered.add(buffer);
  if (!hooked) {
    hooked = true;
    process.on("beforeExit", onBeforeExit);
  }
}

/** Removes a buffer once it is closed, so ended runs are not kept alive by the registry. */
export function unregisterExitFlush(buffer: ExitFlushable): void {
  registered.delete(buffer);
}
