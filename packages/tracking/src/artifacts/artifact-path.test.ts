import { BallastError } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { artifactPathProblem, assertArtifactPath, joinArtifactPath } from "./artifact-path.js";

describe("assertArtifactPath", () => {
  it.each(["model.onnx", "model/weights.bin", "a/b/c.d", "ünïcode/名前.txt", ".hidden", "a..b/c"])(
    "accepts %j",
    (path) => {
      expect(() => assertArtifactPath(path)).not.toThrow();
    },
  );

  it.each([
    "",
    "/etc/passwd",
    "../escape",
    "a/../../b",
    "a/./b",
    "a//b",
    "a/",
    "a\\b",
    "C:/x",
    "c:x",
    "a\u0000b",
    "tab\there",
    "x".repeat(769),
  ])("rejects %j with ARTIFACT_PATH_INVALID", (path) => {
    let caught: unknown;
    try {
      assertArtifactPath(path);
    } catch (error) {
      caught = error;
    }
    expect(BallastError.isInstance(caught, "ARTIFACT_PATH_INVALID")).toBe(true);
  });

  it("never accepts a path that resolves outside its root once restored", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "..", ".", "", "b", "/", "\\"), { maxLength: 6 }),
        (parts) => {
          const path = parts.join("/");
          if (artifactPathProblem(path) !== undefined) return;
          const stack: string[] = [];
          for (const segment of path.split("/")) {
            if (segment === "..") stack.pop();
            else stack.push(segment);
          }
          expect(stack.join("/")).toBe(path);
        },
      ),
    );
  });
});

describe("joinArtifactPath", () => {
  it("joins with / and treats an empty base as the root", () => {
    expect(joinArtifactPath("ckpt", "epoch-1.pt")).toBe("ckpt/epoch-1.pt");
    expect(joinArtifactPath("", "epoch-1.pt")).toBe("epoch-1.pt");
  });

  it("refuses instead of normalising", () => {
    expect(() => joinArtifactPath("ckpt/", "x")).toThrow(/empty segment/);
    expect(() => joinArtifactPath("ckpt", "../x")).toThrow(/"\.\." segment/);
  });
});
