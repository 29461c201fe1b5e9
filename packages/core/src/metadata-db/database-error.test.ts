import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { isRetryableDatabaseFailure, toDatabaseError } from "./database-error.js";

const driverError = (code: string | undefined, message = "failed") =>
  Object.assign(new Error(message), { code });

describe("toDatabaseError", () => {
  it("keeps the cause, SQLSTATE and server details", () => {
    const cause = Object.assign(driverError("23505", "duplicate key"), {
      constraint: "runs_pkey",
      detail: "Key (id)=(1)",
    });
    const error = toDatabaseError(cause, "INSERT INTO runs VALUES ($1)");
    expect(error.code).toBe("DATABASE_ERROR");
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("SQLSTATE 23505");
    expect(error.details).toMatchObject({
      sqlstate: "23505",
      constraint: "runs_pkey",
      detail: "Key (id)=(1)",
    });
  });

  it("marks transient failures retryable", () => {
    for (const code of ["40001", "40P01", "08006", "08001", "57P01", "ECONNREFUSED", "ECONNRESET"]) {
      expect(isRetryableDatabaseFailure(driverError(code))).toBe(true);
      expect(toDatabaseError(driverError(code), "SELECT 1").retryable).toBe(true);
    }
    expect(isRetryableDatabaseFailure(driverError(undefined, "Connection terminated unexpectedly"))).toBe(
      true,
    );
    for (const code of ["42601", "23505", "22P02", undefined]) {
      expect(isRetryableDatabaseFailure(driverError(code))).toBe(false);
    }
    expect(isRetryableDatabaseFailure("not an error")).toBe(false);
  });

  it("passes Ballast errors through and shortens long SQL", () => {
    const own = new BallastError("MIGRATION_FAILED", "x");
    expect(toDatabaseError(own, "SELECT 1")).toBe(own);
    const long = toDatabaseError(driverError("42601"), `SELECT ${"x,".repeat(1000)}1`);
    expect(String(long.details?.sql).length).toBeLessThanOrEqual(501);
    expect(long.details?.errorCode).toBeUndefined();
    expect(toDatabaseError(driverError("ECONNRESET"), "SELECT 1").details?.errorCode).toBe("ECONNRESET");
  });
});
