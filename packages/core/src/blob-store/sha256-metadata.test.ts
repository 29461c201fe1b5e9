import { describe, expect, it } from "vitest";
import { readStoredMetadata, SHA256_METADATA_KEY } from "./sha256-metadata.js";

describe("readStoredMetadata", () => {
  it("separates the sha256 from the user's entries", () => {
    expect(readStoredMetadata({ [SHA256_METADATA_KEY]: "ab", team: "a" })).toEqual({
      sha256: "ab",
      metadata: { team: "a" },
    });
  });

  it("reports no metadata when only the sha256 or nothing is stored", () => {
    expect(readStoredMetadata({ [SHA256_METADATA_KEY]: "ab" })).toEqual({
      sha256: "ab",
      metadata: undefined,
    });
    expect(readStoredMetadata(undefined)).toEqual({ sha256: undefined, metadata: undefined });
  });

  it("drops null entries and reads other values as strings, as GCS may return them", () => {
    expect(readStoredMetadata({ gone: null, n: 3, ok: true, [SHA256_METADATA_KEY]: 7 })).toEqual({
      sha256: undefined,
      metadata: { n: "3", ok: "true" },
    });
  });
});
