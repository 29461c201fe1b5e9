import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/index.js";
import { assertValidKey, assertValidPrefix, compareKeys } from "./key.js";

const isInvalid = (run: () => void) => {
  try {
    run();
    return false;
  } catch (error) {
    if (BallastError.isInstance(error, "BLOB_KEY_INVALID")) return true;
    throw error;
  }
};

describe("assertValidKey", () => {
  it("accepts relative keys of plain segments, dots inside names included", () => {
    for (const key of ["a", "runs/42/model.onnx", "..a/b..", ".hidden/x", "ünï/cödé", "a b/c"]) {
      expect(() => assertValidKey(key)).not.toThrow();
    }
  });

  it("rejects exactly the keys that could escape the root or alias another key", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", ".", "..", "", "\\", "/", "\0", "x.y"), { maxLength: 6 }),
        (parts) => {
          const key = parts.join("");
          const segments = key.split("/");
          const escapes =
            key === "" ||
            key.startsWith("/") ||
            /[\\\0]/.test(key) ||
            segments.some((segment) => segment === "" || segment === "." || segment === "..");
          expect(isInvalid(() => assertValidKey(key))).toBe(escapes);
        },
      ),
    );
  });
});

describe("assertValidPrefix", () => {
  it("allows empty and partial prefixes but not escaping ones", () => {
    for (const prefix of ["", "runs/", "runs/4", "a/..b", "a/."])
      expect(isInvalid(() => assertValidPrefix(prefix))).toBe(false);
    for (const prefix of ["/a", "../", "a/../b", "a//b", "a\\b"])
      expect(isInvalid(() => assertValidPrefix(prefix))).toBe(true);
  });
});

describe("compareKeys", () => {
  it("orders by UTF-8 bytes, as S3 and GCS list", () => {
    // UTF-16 puts the emoji (surrogate 0xD83D) before U+FF5E; UTF-8 (EF BD 9E < F0 9F 98 80) the other way.
    expect(["\u{1F600}", "\uFF5E"].sort(compareKeys)).toEqual(["\uFF5E", "\u{1F600}"]);
    expect(["b", "a/c", "a"].sort(compareKeys)).toEqual(["a", "a/c", "b"]);
  });
});
