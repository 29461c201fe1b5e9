import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, searchFingerprint } from "./search-cursor.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return BallastError.isInstance(error) ? error.code : "not a BallastError";
  }
  return undefined;
}

describe("search cursor", () => {
  const fingerprint = searchFingerprint({ filter: "params.a = 1" });

  it("round-trips sort values, including NaN, infinities and NULL", () => {
    const cursor = encodeCursor(fingerprint, [Number.NaN, Number.POSITIVE_INFINITY, null, 1.5, "run-1"]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fingerprint, 5)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      null,
      1.5,
      "run-1",
    ]);
  });

  it("refuses edited, foreign and malformed cursors with CURSOR_INVALID", () => {
    const cursor = encodeCursor(fingerprint, [0.5, "run-1"]);
    const payload = JSON.parse(Buffer.from(cursor, "base64url").toString());
    payload.k[0] = 0.25;
    const edited = Buffer.from(JSON.stringify(payload)).toString("base64url");
    expect(codeOf(() => decodeCursor(edited, fingerprint, 2))).toBe("CURSOR_INVALID");
    expect(codeOf(() => decodeCursor(cursor, searchFingerprint({ filter: "other" }), 2))).toBe(
      "CURSOR_INVALID",
    );
    expect(codeOf(() => decodeCursor(cursor, fingerprint, 3))).toBe("CURSOR_INVALID");
    expect(codeOf(() => decodeCursor("not a cursor!", fingerprint, 2))).toBe("CURSOR_INVALID");
    expect(codeOf(() => decodeCursor(Buffer.from("[1]").toString("base64url"), fingerprint, 2))).toBe(
      "CURSOR_INVALID",
    );
    expect(codeOf(() => decodeCursor(cursor.slice(0, -3), fingerprint, 2))).toBe("CURSOR_INVALID");
  });
});
