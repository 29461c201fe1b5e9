import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { BallastError } from "../../errors/ballast-error.js";

interface LockOwner {
  pid: number;
  hostname: string;
  acquiredAt: string;
}

/** A held lock file; `release` removes it if it is still ours. */
export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user, so it still holds the lock.
    return (error as { code?: string }).code === "EPERM";
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, "utf8")) as Partial<LockOwner>;
    if (typeof owner.pid === "number" && typeof owner.hostname === "string") return owner as LockOwner;
  } catch {
    // Unreadable or half-written: treated as held below, since its owner cannot be checked.
  }
  return undefined;
}

/**
 * Takes an exclusive lock file for a PGlite data directory.
 *
 * PGlite itself does not stop a second process (or a second instance in this one) from opening the
 * same directory, and two engines writing one data directory corrupt it. The lock is created
 * atomically (written beside, then hard-linked into place, which fails if the name exists) with the
 * owner's pid and host; a lock left by a crashed process on this host is detected and replaced.
 *
 * @throws BallastError `DATABASE_LOCKED` when another live process (or another open database in this
 *   process) holds the directory.
 */
export async function acquireLockFile(path: string, dataDir: string): Promise<HeldLock> {
  const self: LockOwner = { pid: process.pid, hostname: hostname(), acquiredAt: new Date().toISOString() };
  const staging = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(staging, JSON.stringify(self));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(staging, path);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST") throw error;
      }
      const owner = await readOwner(path);
      const stale = owner !== undefined && owner.hostname === self.hostname && !isAlive(owner.pid);
      if (!stale || attempt > 0) {
        const who = owner
          ? owner.pid === process.pid && owner.hostname === self.hostname
            ? "another open database in this process"
            : `process ${owner.pid} on ${owner.hostname} (since ${owner.acquiredAt})`
          : "another process";
        throw new BallastError(
          "DATABASE_LOCKED",
          `The PGlite database at ${dataDir} is already open by ${who}. PGlite allows one process per data directory.`,
          {
            hint: `Close the other process or database first, or use a PostgreSQL server (postgres://) when several processes share metadata. If no process is using it, delete ${path}.`,
            details: { dataDir, lockFile: path, ...(owner ? { owner } : {}) },
          },
        );
      }
      await unlink(path).catch((error: { code?: string }) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
  } finally {
    await unlink(staging).catch(() => undefined);
  }
  return {
    path,
    async release() {
      const owner = await readOwner(path);
      if (owner?.pid === self.pid && owner.acquiredAt === self.acquiredAt) {
        await unlink(path).catch((error: { code?: string }) => {
          if (error.code !== "ENOENT") throw error;
        });
      }
    },
  };
}
