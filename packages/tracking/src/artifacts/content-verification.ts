import { createHash } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import { artifactCorrupt } from "./artifact-errors.js";

/**
 * Passes `source` through unchanged while hashing it, and fails the stream with `ARTIFACT_CORRUPT`
 * at its end when the bytes do not hash to `sha256`. A reader that consumes the stream to the end
 * therefore never silently accepts altered content; the check costs one hash pass, no buffering.
 */
export function verifyContentStream(source: Readable, sha256: string): Readable {
  const hash = createHash("sha256");
  const check = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest("hex");
      callback(actual === sha256 ? null : artifactCorrupt(sha256, actual));
    },
  });
  source.on("error", (error) => check.destroy(error));
  return source.pipe(check);
}

/** Checks bytes already in memory against their sha256. @throws BallastError `ARTIFACT_CORRUPT`. */
export function verifyContentBytes(bytes: Uint8Array, sha256: string): void {
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) throw artifactCorrupt(sha256, actual);
}
