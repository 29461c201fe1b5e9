import { link, open, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import type { BallastError } from "../errors/ballast-error.js";

/** Who holds a lock file, as written in it. */
export interface LockOwner {
  pid: number;
  hostname: string;
  acquiredAt: string;
}

/** A held lock file; `release` removes it if it is still ours. */
export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Options of {@link acquireLockFile}. */
export interface AcquireLockFileOptions {
  /**
   * The error to throw when a live owner holds the lock: it names the resource and says what to do.
   * `owner` is undefined when the file cannot be read yet (its owner is still writing it).
   */
  onHeld: (owner: LockOwner | undefined, path: string) => BallastError;
}

// A lock whose owner cannot be read is taken over only after this long: a fresh one is an owner that
// has not finished writing it, an old one a crash between create and write.
const UNREADABLE_STALE_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user, so it still holds the lock.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, "utf8")) as Partial<LockOwner>;
    if (typeof owner.pid === "number" && typeof owner.hostname === "string") return owner as LockOwner;
  } catch {
    // Unreadable or half-written: the caller decides by the file's age.
  }
  return undefined;
}

async function isStale(path: string, owner: LockOwner | undefined): Promise<boolean> {
  if (owner === undefined) {
    const modified = await stat(path).then(
      (s) => s.mtimeMs,
      () => 0, // gone meanwhile: nothing left to respect
    );
    return Date.now() - modified > UNREADABLE_STALE_MS;
  }
  // Only a lock taken on this machine can be checked; another host's lock is always respected.
  return owner.hostname === hostname() && !isAlive(owner.pid);
}

async function removeIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return a?.pid === b?.pid && a?.hostname === b?.hostname && a?.acquiredAt === b?.acquiredAt;
}

/**
 * Removes a stale lock so the caller can link its own. Two processes may judge the same lock stale
 * at once, and the slower one must not delete the lock the faster one has just taken: so only the
 * holder of a second, short-lived `<path>.takeover` file may remove the lock, and only after reading
 * again that it is still the stale one. False when another process is taking over right now.
 */
async function removeStale(path: string, stale: LockOwner | undefined): Promise<boolean> {
  const takeover = `${path}.takeover`;
  for (let attempt = 0; ; attempt++) {
    try {
      await (await open(takeover, "wx")).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A takeover file outlives its process only after a crash in the few steps below.
      if (attempt > 0 || !(await isStale(takeover, undefined))) return false;
      await removeIfPresent(takeover);
    }
  }
  try {
    if (sameOwner(await readOwner(path), stale)) await removeIfPresent(path);
    return true;
  } finally {
    await removeIfPresent(takeover);
  }
}

/**
 * Takes an exclusive lock file beside (or inside) a directory that one process at a time may write:
 * the embedded event log, a PGlite data directory, the embedded online store.
 *
 * The file is created atomically — written under a private name, then hard-linked into place, which
 * fails when the name exists — so a reader never sees a half-written owner. It holds the owner's pid
 * and host. A lock left by a dead process on this host is replaced once; a lock held by a live process
 * (including this one: a second open in the same process) throws `options.onHeld(owner)`.
 */
export async function acquireLockFile(path: string, options: AcquireLockFileOptions): Promise<HeldLock> {
  const self: LockOwner = { pid: process.pid, hostname: hostname(), acquiredAt: new Date().toISOString() };
  const staging = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(staging, JSON.stringify(self));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(staging, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = await readOwner(path);
      if (attempt > 0 || !(await isStale(path, owner)) || !(await removeStale(path, owner))) {
        throw options.onHeld(owner, path);
      }
    }
  } finally {
    await unlink(staging).catch(() => undefined);
  }
  return {
    path,
    async release() {
      const owner = await readOwner(path);
      if (owner?.pid === self.pid && owner.acquiredAt === self.acquiredAt) await removeIfPresent(path);
    },
  };
}

/** "process 123 on host (since …)", "another open handle in this process" or "another process". */
export function describeLockOwner(owner: LockOwner | undefined): string {
  if (!owner) return "another process";
  if (owner.pid === process.pid && owner.hostname === hostname())
    return "another open handle in this process";
  return `process ${owner.pid} on ${owner.hostname}${owner.acquiredAt ? ` (since ${owner.acquiredAt})` : ""}`;
}
