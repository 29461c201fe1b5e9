import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BallastError } from "../errors/ballast-error.js";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it("parses single units", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("6h")).toBe(21_600_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("2w")).toBe(1_209_600_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration("250")).toBe(250);
  });

  it("parses compound durations largest unit first", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1d2h3m4s5ms")).toBe(86_400_000 + 7_200_000 + 180_000 + 4000 + 5);
  });

  it.each(["", "1y", "1mo", "-5m", "m", "1m1h", "1h 30m", "1hh", "abc", "1.s"])(
    "rejects %j with DURATION_INVALID",
    (input) => {
      expect(() => parseDuration(input)).toThrowError(
        expect.objectContaining({ code: "DURATION_INVALID" }) as unknown as Error,
      );
    },
  );

  it("rejects negative and non-finite numbers", () => {
    for (const input of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => parseDuration(input)).toThrow(BallastError);
    }
  });

  it("equals the sum of its parts for any compound duration (property)", () => {
    const units = [
      ["w", 604_800_000],
      ["d", 86_400_000],
      ["h", 3_600_000],
      ["m", 60_000],
      ["s", 1000],
      ["ms", 1],
    ] as const;
    const arbitrary = fc
      .array(fc.option(fc.nat({ max: 10_000 }), { nil: undefined }), { minLength: 6, maxLength: 6 })
      .filter((amounts) => amounts.some((a) => a !== undefined));
    fc.assert(
      fc.property(arbitrary, (amounts) => {
        let text = "";
        let expected = 0;
        amounts.forEach((amount, i) => {
          if (amount === undefined) return;
          text += `${amount}${units[i]![0]}`;
          expected += amount * units[i]![1];
        });
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  it("never throws anything but DURATION_INVALID on arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        try {
          const ms = parseDuration(input);
          expect(ms).toBeGreaterThanOrEqual(0);
        } catch (error) {
          expect(BallastError.isInstance(error, "DURATION_INVALID")).toBe(true);
        }
      }),
    );
  });
});
