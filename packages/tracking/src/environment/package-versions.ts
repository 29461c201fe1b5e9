import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

interface LockEntry {
  version?: string;
  resolved?: string;
  link?: boolean;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
  peerDependencies?: Record<string, unknown>;
}

interface Lockfile {
  packages?: Record<string, LockEntry>;
  /** lockfileVersion 1 (npm 6) only. */
  dependencies?: Record<string, { version?: string }>;
}

/** The nearest `package-lock.json` at or above `start`, or null. */
async function findLockfile(start: string): Promise<Lockfile | null> {
  let dir = start;
  for (;;) {
    try {
      return JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8")) as Lockfile;
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") return null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The installed versions of the root project's direct dependencies (all four kinds), read from the
 * nearest `package-lock.json`: `{ zod: "4.6.7", ... }`. Only direct dependencies: the transitive tree
 * is the lockfile's job, and the direct ones are what a reader of a run compares. Workspace links
 * report the linked package's version. Empty when there is no readable lockfile.
 */
export async function readLockfilePackages(cwd: string = process.cwd()): Promise<Record<string, string>> {
  const lock = await findLockfile(cwd);
  if (!lock) return {};
  const versions: Record<string, string> = {};
  const packages = lock.packages;
  if (packages) {
    const root = packages[""] ?? {};
    const names = new Set([
      ...Object.keys(root.dependencies ?? {}),
      ...Object.keys(root.devDependencies ?? {}),
      ...Object.keys(root.optionalDependencies ?? {}),
      ...Object.keys(root.peerDependencies ?? {}),
    ]);
    for (const name of [...names].sort()) {
      let entry = packages[`node_modules/${name}`];
      if (entry?.link && entry.resolved) entry = packages[entry.resolved];
      if (entry?.version) versions[name] = entry.version;
    }
    return versions;
  }
  for (const [name, entry] of Object.entries(lock.dependencies ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (entry.version) versions[name] = entry.version;
  }
  return versions;
}
