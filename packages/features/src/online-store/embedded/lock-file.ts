import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { OnlineStoreError } from "../online-store-error.js";

interface LockOwner {
  pid: number;
  hostname: string;
  createdAt: string;
}

// A lock whose owner cannot be read (a crash between create and write) is stale after this long.
const UNREADABLE_STALE_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
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
    return Date.now() - (await stat(path)).mtimeMs > UNREADABLE_STALE_MS;
  }
  // Only a lock taken on this machine can be checked; another host's lock is always respected.
  return owner.hostname === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
}

/**
 * Takes the writer lock of an embedded store directory: a `LOCK` file created exclusively with the
 * owner's pid and host. A lock left by a dead process on this host is taken over; a held lock fails
 * with `ONLINE_STORE_LOCKED` (retryable). Returns the release function.
 */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, "wx");
      const owner: LockOwner = {
        pid: process.pid,
        hostname: hostname(),
        createdAt: new Date().toISOString(),
      };
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await isStale(path)) {
        await rm(path, { force: true });
        continue;
      }
      let held = "another process";
      try {
        const owner = JSON.parse(await readFile(path, "utf8")) as LockOwner;
        held = `pid ${owner.pid} on ${owner.hostname}`;
      } catch {
        // The owner is still writing its details; the generic wording stands.
      }
      throw new OnlineStoreError("ONLINE_STORE_LOCKED", `The embedded online store is locked by ${held}.`, {
        hint: `Close the other store (one writer per directory), or remove ${path} if that process is gone.`,
        retryable: true,
        details: { path },
      });
    }
  }
  throw new OnlineStoreError(
    "ONLINE_STORE_LOCKED",
    `Could not take the embedded online store lock ${path}.`,
    {
      retryable: true,
      details: { path },
    },
  );
}
