import { artifactPathInvalid } from "./artifact-errors.js";

/** Longest accepted artifact path in UTF-8 bytes: S3 and GCS keys stop at 1,024 bytes with the prefix. */
export const MAX_ARTIFACT_PATH_BYTES = 768;

/**
 * Checks an artifact path. Paths are relative, `/`-separated names inside one run; the rules keep two
 * spellings from naming one file once restored to disk (`a//b`, `a/./b`) and keep a restore from
 * writing outside its target directory (`..`, `/etc/x`, `C:\x`).
 *
 * @throws BallastError `ARTIFACT_PATH_INVALID` for an empty or over-long path, a leading `/`, a
 *   backslash, a drive letter, a control character, or an empty, `.` or `..` segment.
 * @example
 * assertArtifactPath("model/weights.bin"); // ok
 * assertArtifactPath("../escape");          // throws ARTIFACT_PATH_INVALID
 */
export function assertArtifactPath(path: string): void {
  const problem = artifactPathProblem(path);
  if (problem) throw artifactPathInvalid(path, problem);
}

/** Why `path` is not a valid artifact path, or undefined when it is. */
export function artifactPathProblem(path: string): string | undefined {
  if (path === "") return "it is empty";
  if (Buffer.byteLength(path, "utf8") > MAX_ARTIFACT_PATH_BYTES)
    return `it is longer than ${MAX_ARTIFACT_PATH_BYTES} bytes`;
  if (path.startsWith("/")) return "it is absolute (starts with /)";
  if (path.includes("\\")) return "it contains a backslash";
  if (/^[A-Za-z]:/.test(path)) return "it starts with a drive letter";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return "it contains a control character";
  for (const segment of path.split("/")) {
    if (segment === "") return "it has an empty segment (// or a trailing /)";
    if (segment === "." || segment === "..") return `it has a "${segment}" segment`;
  }
  return undefined;
}

/**
 * Joins a base path and a relative path with `/`; an empty base means the run's root. The result is
 * validated, so a base of `"a/"` or a relative part with `..` is refused rather than normalised.
 *
 * @throws BallastError `ARTIFACT_PATH_INVALID` when the joined path is invalid.
 */
export function joinArtifactPath(base: string, relative: string): string {
  const joined = base === "" ? relative : `${base}/${relative}`;
  assertArtifactPath(joined);
  return joined;
}
