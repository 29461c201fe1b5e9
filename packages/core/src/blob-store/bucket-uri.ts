import { BallastError } from "../errors/index.js";

/** What a `<scheme>://bucket/prefix?query` URI names; what the query means is up to each backend. */
export interface BucketUri {
  bucket: string;
  /** Path after the bucket, percent-decoded, without its leading `/`; `""` for the whole bucket. */
  prefix: string;
  query: URLSearchParams;
}

/** How one backend spells its bucket URIs, for parsing them and for the error when one is wrong. */
export interface BucketUriScheme {
  /** URL protocol including the colon, such as `"s3:"`. */
  protocol: string;
  /** The backend's name in the error message, such as `"S3"`. */
  name: string;
  /** The error's hint: the form a valid URI takes, with the query options the backend reads. */
  hint: string;
}

/**
 * Splits a bucket URI into bucket, prefix and query, the part the S3 and GCS stores read alike, so
 * both reject the same malformed URIs with the same error.
 *
 * @throws BallastError `CONFIG_INVALID` when `uri` is not a URL, has another scheme, or names no bucket.
 *
 * @example
 * parseBucketUri("s3://ml/team-a?region=eu-west-1", { protocol: "s3:", name: "S3", hint: "..." });
 * // { bucket: "ml", prefix: "team-a", query: URLSearchParams { region: "eu-west-1" } }
 */
export function parseBucketUri(uri: string, scheme: BucketUriScheme): BucketUri {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    throw invalidBucketUri(uri, scheme, error);
  }
  if (url.protocol !== scheme.protocol || url.hostname === "") throw invalidBucketUri(uri, scheme);
  return {
    bucket: url.hostname,
    prefix: decodeURIComponent(url.pathname.slice(1)),
    query: url.searchParams,
  };
}

function invalidBucketUri(uri: string, scheme: BucketUriScheme, cause?: unknown): BallastError {
  return new BallastError("CONFIG_INVALID", `Invalid ${scheme.name} URI ${JSON.stringify(uri)}.`, {
    cause,
    hint: scheme.hint,
    details: { uri },
  });
}
