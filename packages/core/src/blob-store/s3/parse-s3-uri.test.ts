import { describe, expect, it } from "vitest";
import { BallastError } from "../../errors/index.js";
import { parseS3Uri } from "./s3-blob-store.js";

describe("parseS3Uri", () => {
  it("reads bucket, prefix and the query options", () => {
    expect(
      parseS3Uri("s3://bucket/team/a?endpoint=http://127.0.0.1:9000&forcePathStyle=true&region=eu-west-1"),
    ).toEqual({
      bucket: "bucket",
      prefix: "team/a",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      region: "eu-west-1",
    });
    expect(parseS3Uri("s3://bucket")).toEqual({ bucket: "bucket", prefix: "" });
    expect(parseS3Uri("s3://b/p?forcePathStyle=false").forcePathStyle).toBe(false);
  });

  it("rejects other schemes and a missing bucket with CONFIG_INVALID", () => {
    for (const uri of ["gs://bucket/x", "s3:///x", "not a uri"]) {
      expect(() => parseS3Uri(uri)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    }
    expect(() => parseS3Uri("s3://")).toThrow(
      expect.toSatisfy((error: unknown) => BallastError.isInstance(error)),
    );
  });
});
