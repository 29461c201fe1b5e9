import { describe, expect, it } from "vitest";
import { BallastError } from "./ballast-error.js";
import { ConfigError } from "./config-error.js";
import { DependencyMissingError, importPeer } from "./dependency-missing-error.js";

describe("BallastError", () => {
  it("carries code, hint, cause and retryable", () => {
    const cause = new Error("socket reset");
    const error = new BallastError("DATABASE_ERROR", "Query failed.", {
      cause,
      hint: "Check the connection string.",
      retryable: true,
    });
    expect(error.code).toBe("DATABASE_ERROR");
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Hint: Check the connection string.");
  });

  it("isInstance matches an error made by another copy of the package", () => {
    // A second copy has its own class but the same Symbol.for marker.
    const foreign = Object.assign(new Error("x"), { [Symbol.for("ballast.error")]: true, code: "X" });
    expect(foreign instanceof BallastError).toBe(false);
    expect(BallastError.isInstance(foreign)).toBe(true);
    expect(BallastError.isInstance(foreign, "X")).toBe(true);
    expect(BallastError.isInstance(foreign, "Y")).toBe(false);
    expect(BallastError.isInstance(new Error("plain"))).toBe(false);
    expect(BallastError.isInstance(null)).toBe(false);
  });

  it("ConfigError lists each key path, what was given and what is allowed", () => {
    const error = new ConfigError([
      { path: "metadata.url", received: "mysql://x", expected: "pglite:// or postgres://" },
    ]);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain('metadata.url: got "mysql://x", expected pglite:// or postgres://');
    expect(BallastError.isInstance(error, "CONFIG_INVALID")).toBe(true);
  });

  it("importPeer turns a missing module into DEPENDENCY_MISSING naming the package", async () => {
    const name = "not-a-real-pkg-ballast";
    const missing = importPeer(name, "Test backend", () => import(name));
    await expect(missing).rejects.toBeInstanceOf(DependencyMissingError);
    await expect(missing).rejects.toMatchObject({
      code: "DEPENDENCY_MISSING",
      packageName: "not-a-real-pkg-ballast",
    });
  });

  it("importPeer rethrows a missing module that is not the named peer", async () => {
    const other = Object.assign(new Error("Cannot find module '/app/dist/postgres.js'"), {
      code: "MODULE_NOT_FOUND",
    });
    await expect(importPeer("pg", "Postgres", () => Promise.reject(other))).rejects.toBe(other);
  });

  it("importPeer rethrows other failures unchanged", async () => {
    const boom = new Error("boom");
    await expect(importPeer("x", "y", () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
