import { describe, expect, it } from "vitest";
import { parseGcsUri } from "./gcs-blob-store.js";

describe("parseGcsUri", () => {
  it("reads bucket, prefix, endpoint and project", () => {
    expect(parseGcsUri("gs://bucket/team/a?endpoint=http://127.0.0.1:4443&projectId=p1")).toEqual({
      bucket: "bucket",
      prefix: "team/a",
      apiEndpoint: "http://127.0.0.1:4443",
      projectId: "p1",
    });
    expect(parseGcsUri("gs://bucket")).toEqual({ bucket: "bucket", prefix: "" });
  });

  it("rejects other schemes and a missing bucket with CONFIG_INVALID", () => {
    for (const uri of ["s3://bucket/x", "gs:///x", "nope"]) {
      expect(() => parseGcsUri(uri)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    }
  });
});
