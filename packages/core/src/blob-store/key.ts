import { BallastError } from "../errors/index.js";

/**
 * Checks a blob key before any backend sees it. Keys are `/`-separated relative paths; the rules
 * are the intersection of what a filesystem, S3 and GCS can store without two keys aliasing one
 * object (`a//b` and `a/b` on disk) or escaping the store's root (`../x`, `/etc/x`).
 *
 * @throws BallastError `BLOB_KEY_INVALID` for an empty key, a leading `/`, a backslash, a NUL
 * character, or an empty, `.` or `..` segment.
 *
 * @example
 * assertValidKey("runs/42/model.onnx"); // ok
 * assertValidKey("../secrets");         // throws BLOB_KEY_INVALID
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) {
    throw new BallastError("BLOB_KEY_INVALID", `Invalid blob key ${JSON.stringify(key)}: ${problem}.`, {
      hint: 'Use a relative, "/"-separated key such as "runs/42/model.onnx".',
      details: { key },
    });
  }
}

/**
 * Checks a list prefix: like a key, but it may be empty and its last segment may be partial
 * (`"runs/4"` matches `"runs/42/..."`), so only the complete segments before the last `/` are checked.
 *
 * @throws BallastError `BLOB_KEY_INVALID` when the prefix could never match a valid key.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  const lastSlash = prefix.lastIndexOf("/");
  const complete = lastSlash === -1 ? "" : prefix.slice(0, lastSlash);
  const problem =
    prefix.startsWith("/") || prefix.includes("\\") || prefix.includes("\0")
      ? "it must be relative and use only forward slashes"
      : complete === ""
        ? undefined
        : keyProblem(complete);
  if (problem) {
    throw new BallastError("BLOB_KEY_INVALID", `Invalid list prefix ${JSON.stringify(prefix)}: ${problem}.`, {
      hint: 'Use a relative, "/"-separated prefix such as "runs/42/".',
      details: { prefix },
    });
  }
}

function keyProblem(key: string): string | undefined {
  if (key === "") return "it is empty";
  if (key.startsWith("/")) return "it starts with /";
  if (key.includes("\\")) return "it contains a backslash";
  if (key.includes("\0")) return "it contains a NUL character";
  for (const segment of key.split("/")) {
    if (segment === "") return "it has an empty segment (// or a trailing /)";
    if (segment === "." || segment === "..") return `it has a "${segment}" segment`;
  }
  return undefined;
}

/**
 * Orders keys by their UTF-8 bytes, as S3 and GCS list them, so every store pages in the same order
 * (JavaScript's `<` compares UTF-16 units, which differs for characters outside the BMP).
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
