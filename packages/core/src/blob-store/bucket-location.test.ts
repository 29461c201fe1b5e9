import { describe, expect, it } from "vitest";
import { bucketLocation } from "./bucket-location.js";

describe("bucketLocation", () => {
  it("trims the prefix's slashes and ends the key prefix with one", () => {
    for (const prefix of ["team/a", "/team/a/", "team/a//"]) {
      expect(bucketLocation("gs:", "ml", prefix)).toEqual({ uri: "gs://ml/team/a", keyPrefix: "team/a/" });
    }
  });

  it("puts keys at the bucket's root without a prefix", () => {
    expect(bucketLocation("s3:", "ml")).toEqual({ uri: "s3://ml/", keyPrefix: "" });
    expect(bucketLocation("s3:", "ml", "/")).toEqual({ uri: "s3://ml/", keyPrefix: "" });
  });

  it("rejects a prefix that is not a valid key", () => {
    expect(() => bucketLocation("s3:", "ml", "a/../b")).toThrow(
      expect.objectContaining({ code: "BLOB_KEY_INVALID" }),
    );
  });
});
