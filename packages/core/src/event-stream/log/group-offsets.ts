import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";

/**
 * Committed offsets of consumer groups: one small JSON file per group and topic mapping partition
 * to the next offset to read. A commit writes a new file and renames it over the old one, so a crash
 * leaves either the old or the new offsets, never a mix.
 */
export class GroupOffsets {
  #sequence = 0;

  constructor(
    readonly directory: string,
    readonly syncEachCommit: boolean,
  ) {}

  #path(group: string, topic: string): string {
    return join(this.directory, encodeURIComponent(group), `${topic}.json`);
  }

  /** Committed offsets of a group on a topic (empty when it never committed). */
  async read(group: string, topic: string): Promise<Record<number, number>> {
    try {
      return JSON.parse(await readFile(this.#path(group, topic), "utf8")) as Record<number, number>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
  }

  /** Merges `offsets` into the group's committed offsets. Callers serialize commits of one group. */
  async commit(group: string, topic: string, offsets: Readonly<Record<number, number>>): Promise<void> {
    const path = this.#path(group, topic);
    const merged = { ...(await this.read(group, topic)), ...offsets };
    await mkdir(join(this.directory, encodeURIComponent(group)), { recursive: true });
    const temporary = `${path}.${process.pid}.${this.#sequence++}.tmp`;
    const file = await open(temporary, "w");
    try {
      await file.writeFile(JSON.stringify(merged));
      if (this.syncEachCommit) await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  }
}
