/**
 * Object-metadata key under which the remote stores record an object's hex sha256. Lowercase
 * because S3 lowercases metadata keys on the way in, so only a lowercase key reads back unchanged.
 */
export const SHA256_METADATA_KEY = "ballast-sha256";

/** An object's stored metadata as `head` reports it. */
export interface StoredMetadata {
  sha256: string | undefined;
  /** The user's own entries; undefined when there are none, as `BlobInfo.metadata` is then absent. */
  metadata: Record<string, string> | undefined;
}

/**
 * Separates the recorded sha256 from the user's metadata. GCS also allows number, boolean and null
 * values: null marks a deleted entry and is dropped, the others are read back as strings, since
 * that is what `put` accepts.
 *
 * @example
 * readStoredMetadata({ "ballast-sha256": "ab12…", team: "a" }); // { sha256: "ab12…", metadata: { team: "a" } }
 */
export function readStoredMetadata(stored: Readonly<Record<string, unknown>> | undefined): StoredMetadata {
  const { [SHA256_METADATA_KEY]: sha256, ...rest } = stored ?? {};
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(rest)) if (value !== null) metadata[name] = String(value);
  return {
    sha256: typeof sha256 === "string" ? sha256 : undefined,
    metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
  };
}
