import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { allowedSchemes, parseBackendUri } from "./backend-uri.js";

describe("parseBackendUri", () => {
  it("makes local paths absolute and keeps remote URIs as given", () => {
    expect(parseBackendUri("metadata", "pglite://.ballast/db", "/srv/app")).toEqual({
      kind: "metadata",
      scheme: "pglite",
      uri: "pglite:///srv/app/.ballast/db",
      path: "/srv/app/.ballast/db",
    });
    expect(parseBackendUri("artifacts", "file:///data/a%20b", "/x").path).toBe("/data/a b");
    expect(parseBackendUri("online", "redis+cluster://h1:7000,h2:7001").uri).toBe(
      "redis+cluster://h1:7000,h2:7001",
    );
    expect(parseBackendUri("stream", "KAFKA://b:9092").scheme).toBe("kafka");
  });

  it("rejects unknown schemes with URI_SCHEME_UNKNOWN listing the allowed ones", () => {
    try {
      parseBackendUri("artifacts", "ftp://host/x");
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "URI_SCHEME_UNKNOWN")).toBe(true);
      expect((error as BallastError).hint).toBe("Use one of: file://, s3://, gs://.");
    }
    expect(() => parseBackendUri("stream", "just-a-path")).toThrow(BallastError);
    expect(() => parseBackendUri("stream", "log://")).toThrow(BallastError);
  });

  it("accepts exactly the documented schemes (property)", () => {
    const kinds = ["metadata", "artifacts", "stream", "online"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.stringMatching(/^[a-z][a-z0-9+]{0,12}$/), (kind, scheme) => {
        const accepted = (() => {
          try {
            parseBackendUri(kind, `${scheme}://somewhere/x`, "/base");
            return true;
          } catch (error) {
            expect(BallastError.isInstance(error, "URI_SCHEME_UNKNOWN")).toBe(true);
            return false;
          }
        })();
        expect(accepted).toBe(allowedSchemes(kind).includes(scheme));
      }),
    );
  });
});
