import { BallastError } from "@ballast/core";

/** `ARTIFACT_PATH_INVALID`: an artifact path that could escape the run's namespace or alias another. */
export function artifactPathInvalid(path: string, problem: string): BallastError {
  return new BallastError(
    "ARTIFACT_PATH_INVALID",
    `Invalid artifact path ${JSON.stringify(path)}: ${problem}.`,
    {
      hint: 'Use a relative, "/"-separated path such as "model/weights.bin" (no "..", no leading "/").',
      details: { path },
    },
  );
}

/**
 * `ARTIFACT_CONFLICT`: the run already has an artifact at `path` with other content. Artifacts are
 * immutable, like params, so a run's record cannot be rewritten after the fact.
 */
export function artifactConflict(runId: string, path: string, existing: string, given: string): BallastError {
  return new BallastError(
    "ARTIFACT_CONFLICT",
    `Run ${runId} already has artifact "${path}" with other content (sha256 ${existing}, given ${given}).`,
    {
      hint: "Artifacts are immutable: log the new content under another path.",
      details: { runId, path, existingSha256: existing, givenSha256: given },
    },
  );
}

/** `ARTIFACT_NOT_FOUND`: no artifact at `path` (or under a prefix) in the run. */
export function artifactNotFound(runId: string, path: string): BallastError {
  return new BallastError("ARTIFACT_NOT_FOUND", `Run ${runId} has no artifact "${path}".`, {
    hint: "List the run's artifacts with listArtifacts to see which paths exist.",
    details: { runId, path },
  });
}

/**
 * `ARTIFACT_CORRUPT`: stored bytes do not hash to the sha256 they are filed under. Something outside
 * Ballast changed the object; the read is refused rather than handing out wrong bytes.
 */
export function artifactCorrupt(sha256: string, actual: string): BallastError {
  return new BallastError(
    "ARTIFACT_CORRUPT",
    `Content ${sha256} read back with sha256 ${actual}: the stored object was modified.`,
    {
      hint: "Log the artifact again from its source to restore the content.",
      details: { sha256, actualSha256: actual },
    },
  );
}

/**
 * `ARTIFACT_SOURCE_CHANGED`: a local file changed between hashing it and uploading it, so its bytes
 * no longer match the address they were meant for. Nothing was recorded.
 */
export function artifactSourceChanged(file: string, expected: string, actual: string): BallastError {
  return new BallastError(
    "ARTIFACT_SOURCE_CHANGED",
    `File ${file} changed while it was being logged (hashed as ${expected}, uploaded as ${actual}).`,
    {
      hint: "Log the file once it is no longer being written, or log a copy.",
      retryable: true,
      details: { file, expectedSha256: expected, actualSha256: actual },
    },
  );
}
