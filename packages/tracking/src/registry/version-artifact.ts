import { createHash } from "node:crypto";
import { pipeline, type Readable, Transform } from "node:stream";
import { BallastError } from "@ballast/core";
import { contentKey } from "../artifacts/content-key.js";
import type { TrackingContext } from "../tracking-context.js";
import type { ModelVersion } from "./records.js";

function artifactSha(version: Pick<ModelVersion, "kind" | "model" | "version" | "artifactSha256">): string {
  if (version.artifactSha256 === null) {
    throw new BallastError(
      "ARTIFACT_NOT_FOUND",
      `${version.kind} ${version.model} v${version.version} has no artifact.`,
      {
        hint: "Prompt versions carry their template in `content` instead of an artifact.",
        details: { model: version.model, version: version.version },
      },
    );
  }
  return version.artifactSha256;
}

function corrupt(
  version: Pick<ModelVersion, "model" | "version">,
  expected: string,
  actual: string,
): BallastError {
  return new BallastError(
    "ARTIFACT_CORRUPT",
    `The stored bytes of ${version.model} v${version.version} do not match its sha256 (expected ${expected}, read ${actual}).`,
    {
      hint: "The blob store was changed outside Ballast; restore the object or re-log the artifact and register a new version.",
      details: { expected, actual },
    },
  );
}

function notStored(
  version: Pick<ModelVersion, "model" | "version">,
  key: string,
  cause: unknown,
): BallastError {
  return new BallastError(
    "ARTIFACT_NOT_FOUND",
    `The artifact bytes of ${version.model} v${version.version} are missing.`,
    {
      cause,
      hint: "The blob store does not hold the content key the version points to; check the workspace's artifact store.",
      details: { key },
    },
  );
}

async function openBlob(ctx: TrackingContext, version: ModelVersion, key: string): Promise<Readable> {
  try {
    return await ctx.blobs.get(key);
  } catch (error) {
    if (BallastError.isInstance(error, "BLOB_NOT_FOUND")) throw notStored(version, key, error);
    throw error;
  }
}

/**
 * Streams a version's artifact bytes from the blob store (content-addressed by its sha256). The bytes
 * are hashed on the way, and the stream fails with `ARTIFACT_CORRUPT` at the end if they do not match,
 * so a loader never silently serves altered bytes; consume the stream to its end before trusting it.
 *
 * @throws BallastError `ARTIFACT_NOT_FOUND` for a version without an artifact (a prompt) or bytes
 *   missing from the store; the stream errors with `ARTIFACT_CORRUPT` on a digest mismatch.
 * @example const stream = await openVersionArtifact(ctx, await resolveVersion(ctx, "models:/churn@production"));
 */
export async function openVersionArtifact(ctx: TrackingContext, version: ModelVersion): Promise<Readable> {
  const expected = artifactSha(version);
  const key = contentKey(expected);
  const source = await openBlob(ctx, version, key);
  const hash = createHash("sha256");
  const verify = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest("hex");
      callback(actual === expected ? null : corrupt(version, expected, actual));
    },
  });
  // pipeline forwards a source error (network drop) to the returned stream and cleans both up.
  return pipeline(source, verify, () => undefined);
}

/**
 * Reads a version's whole artifact into memory and checks its sha256. For small models; stream
 * large ones with {@link openVersionArtifact}.
 *
 * @throws BallastError `ARTIFACT_NOT_FOUND`; `ARTIFACT_CORRUPT` on a digest mismatch.
 */
export async function downloadVersionArtifact(
  ctx: TrackingContext,
  version: ModelVersion,
): Promise<Uint8Array> {
  const expected = artifactSha(version);
  const key = contentKey(expected);
  let bytes: Uint8Array;
  try {
    bytes = await ctx.blobs.getBytes(key);
  } catch (error) {
    if (BallastError.isInstance(error, "BLOB_NOT_FOUND")) throw notStored(version, key, error);
    throw error;
  }
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== expected) throw corrupt(version, expected, actual);
  return bytes;
}
