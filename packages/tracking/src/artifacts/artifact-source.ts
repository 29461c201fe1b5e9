import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { BallastError } from "@ballast/core";
import { assertArtifactPath, joinArtifactPath } from "./artifact-path.js";
import type { ContentBody } from "./content-store.js";

/**
 * What {@link logArtifact} accepts:
 *
 * - a `string` or `file:` `URL`: a local path, either a file or a directory (logged recursively);
 * - a `Uint8Array` (a `Buffer` included): bytes in memory;
 * - `{ text }`: a string logged as UTF-8 bytes;
 * - `{ stream }`: a Node.js `Readable` or any async iterable of bytes, read once.
 *
 * A plain string is always a path, never content: guessing ("is there a file by that name?") would
 * let the same call log a file on one machine and its name as text on another. Log text with `{ text }`.
 */
export type ArtifactSource =
  | string
  | URL
  | Uint8Array
  | { text: string }
  | { stream: Readable | AsyncIterable<Uint8Array | string> };

/** One file or body to store, with the artifact path it goes to. */
export interface PlannedArtifact {
  path: string;
  body: ContentBody;
}

/**
 * Turns a source into the artifacts it stands for. A file goes to `path` (default: its base name);
 * a directory's files go to `path/<relative path>` (default `path`: the directory's base name, `""`
 * for the run's root), sorted by path. Symbolic links to files are followed; links to directories
 * are not, so a link cycle cannot make the walk endless.
 *
 * @throws BallastError `ARTIFACT_PATH_INVALID` for an invalid path, or a buffer or stream without one;
 *   `VALIDATION_FAILED` for a local path that is neither a file nor a directory; file system errors
 *   (`ENOENT`) unchanged.
 */
export async function planArtifacts(
  source: ArtifactSource,
  path: string | undefined,
): Promise<PlannedArtifact[]> {
  if (typeof source === "string" || source instanceof URL) {
    const local = typeof source === "string" ? source : fileURLToPath(source);
    const info = await stat(local);
    if (info.isFile()) {
      const target = path ?? basename(local);
      assertArtifactPath(target);
      return [{ path: target, body: { file: local } }];
    }
    if (info.isDirectory()) {
      const base = path ?? basename(local);
      if (base !== "") assertArtifactPath(base);
      const files = await walk(local);
      return files
        .map((file) => ({
          path: joinArtifactPath(base, relative(local, file).split(sep).join("/")),
          body: { file },
        }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    throw new BallastError("VALIDATION_FAILED", `${local} is neither a file nor a directory.`, {
      hint: "Log regular files or directories of them.",
      details: { path: local },
    });
  }
  if (path === undefined) {
    throw new BallastError(
      "ARTIFACT_PATH_INVALID",
      "An artifact from a buffer, text or stream needs a path.",
      {
        hint: 'Pass { path: "name.ext" }.',
      },
    );
  }
  assertArtifactPath(path);
  return [{ path, body: source }];
}

async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push(full);
    else if (entry.isSymbolicLink() && (await stat(full)).isFile()) files.push(full);
  }
  return files;
}
