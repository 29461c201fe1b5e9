import { describe, expect, it } from "vitest";
import { parseBucketUri } from "./bucket-uri.js";

const SCHEME = { protocol: "x:", name: "X", hint: "Use x://bucket/prefix." };

describe("parseBucketUri", () => {
  it("splits bucket, decoded prefix and query", () => {
    const parsed = parseBucketUri("x://b/team%20a/runs?endpoint=http://h:1&flag", SCHEME);
    expect(parsed.bucket).toBe("b");
    expect(parsed.prefix).toBe("team a/runs");
    expect(parsed.query.get("endpoint")).toBe("http://h:1");
    expect(parsed.query.get("flag")).toBe("");
    expect(parseBucketUri("x://b", SCHEME).prefix).toBe("");
  });

  it("rejects another scheme, a missing bucket and a non-URL with the scheme's hint", () => {
    for (const uri of ["y://b/p", "x:///p", "not a uri"]) {
      expect(() => parseBucketUri(uri, SCHEME)).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID", hint: SCHEME.hint, details: { uri } }),
      );
    }
    expect(() => parseBucketUri("y://b", SCHEME)).toThrow('Invalid X URI "y://b".');
  });
});
