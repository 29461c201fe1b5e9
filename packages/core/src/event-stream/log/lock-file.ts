import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { BallastError } from "../../errors/index.js";

interface LockOwner {
  pid: number;
  hostname: string;
  createdAt: string;
}

// A lock whose owner could not be read (a crash between create and write) is stale after this long.
const UNREADABLE_STALE_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isStale(path: string): Promise<boolean> {
  let owner: Partial<LockOwner> | undefined;
  try {
    owner = JSON.parse(await readFile(path, "utf8")) as Partial<LockOwner>;
  } catch {
    owner = undefined;
  }
  if (typeof owner?.pid !== "number" || typeof owner.hostname !== "string") {
    const age = Date.now() - (await stat(path)).mtimeMs;
    return age > UNREADABLE_STALE_MS;
  }
  // Only a lock taken on this machine can be checked; another host's lock is always respected.
  return owner.hostname === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
}

/**
 * Takes the writer lock of a log directory: a `LOCK` file created exclusively, holding the owner's
 * pid and host. A lock left by a dead process on this host (or unreadable for 10 s) is stale and
 * taken over; any other held lock fails with `STREAM_LOCKED` (retryable). Returns the release.
 */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, "wx");
      const owner: LockOwner = {
        pid: process.pid,
        hostname: hostname(),
        createdAt: new Date().toISOString(),
      };
      await file.writeFile(JSON.stringify(owner));
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (attempt === 0 && (await isStale(path))) {
        await rm(path, { force: true });
        continue;
      }
      const held = await readFile(path, "utf8").catch(() => "(unreadable)");
      throw new BallastError("STREAM_LOCKED", `The event log is locked by another writer: ${held}.`, {
        hint: `Close the other stream, or open this one with { readOnly: true }. If its owner is gone for sure, delete ${path}.`,
        retryable: true,
        cause: error,
      });
    }
  }
  throw new BallastError("STREAM_LOCKED", `Could not take the event log lock ${path}.`, { retryable: true });
}
