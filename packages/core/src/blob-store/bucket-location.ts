import { assertValidKey } from "./key.js";

/** Where a bucket-backed store keeps its objects, worked out once when the store opens. */
export interface BucketLocation {
  /** `<protocol>//bucket/prefix`, the store's `uri`, with the prefix's outer slashes trimmed. */
  uri: string;
  /**
   * What goes before every key to make its object name: `""` at the bucket's root, otherwise the
   * prefix with exactly one trailing `/`, so `keyPrefix + key` names the object and
   * `name.slice(keyPrefix.length)` gives the key back.
   */
  keyPrefix: string;
}

/**
 * Resolves a bucket and the optional key prefix a store was opened with. Slashes around the prefix
 * are dropped so `team-a`, `/team-a/` and `team-a/` name the same place; what is left must be a valid
 * key, or keys below it could alias one another or escape it.
 *
 * @throws BallastError `BLOB_KEY_INVALID` when the trimmed prefix is not a valid key.
 *
 * @example
 * bucketLocation("gs:", "ml", "/team-a/"); // { uri: "gs://ml/team-a", keyPrefix: "team-a/" }
 */
export function bucketLocation(protocol: string, bucket: string, prefix = ""): BucketLocation {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  if (trimmed !== "") assertValidKey(trimmed);
  return {
    uri: `${protocol}//${bucket}/${trimmed}`,
    keyPrefix: trimmed === "" ? "" : `${trimmed}/`,
  };
}
