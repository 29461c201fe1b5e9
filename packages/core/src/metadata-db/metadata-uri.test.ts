import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { parseMetadataUri } from "./metadata-uri.js";

describe("parseMetadataUri", () => {
  it("reads pglite directories, relative and absolute, and memory", () => {
    expect(parseMetadataUri("pglite://.ballast/db")).toEqual({ kind: "pglite", dataDir: ".ballast/db" });
    expect(parseMetadataUri("pglite:///var/lib/ballast")).toEqual({
      kind: "pglite",
      dataDir: "/var/lib/ballast",
    });
    expect(parseMetadataUri("pglite://my%20dir/db")).toEqual({ kind: "pglite", dataDir: "my dir/db" });
    expect(parseMetadataUri("pglite://memory")).toEqual({ kind: "pglite", dataDir: undefined });
    expect(parseMetadataUri("PGLITE://memory")).toEqual({ kind: "pglite", dataDir: undefined });
  });

  it("passes postgres URLs through whole", () => {
    const url = "postgres://u:p@h:5432/db?sslmode=require";
    expect(parseMetadataUri(url)).toEqual({ kind: "postgres", url });
    expect(parseMetadataUri("postgresql://h/db")).toEqual({ kind: "postgres", url: "postgresql://h/db" });
  });

  it("rejects an empty pglite path and unknown schemes without echoing passwords", () => {
    expect(() => parseMetadataUri("pglite://")).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    try {
      parseMetadataUri("mysql://root:secret@h/db");
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "URI_SCHEME_UNKNOWN")).toBe(true);
      expect((error as Error).message).not.toContain("secret");
    }
    expect(() => parseMetadataUri(".ballast/db")).toThrow(
      expect.objectContaining({ code: "URI_SCHEME_UNKNOWN" }),
    );
  });
});
