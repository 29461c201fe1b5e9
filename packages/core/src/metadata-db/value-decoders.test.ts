import { describe, expect, it } from "vitest";
import { decodeDate, decodeInt8, decodeTimestampWithoutTimeZone } from "./value-decoders.js";

describe("value decoders", () => {
  it("reads int8 exactly or not at all", () => {
    expect(decodeInt8("-9007199254740991")).toBe(-9_007_199_254_740_991);
    expect(decodeInt8("0")).toBe(0);
    expect(() => decodeInt8("9007199254740992")).toThrow(expect.objectContaining({ code: "DATABASE_ERROR" }));
  });

  it("reads timestamp without time zone as UTC, including BC and infinities", () => {
    expect(decodeTimestampWithoutTimeZone("2024-03-01 12:00:00.123").toISOString()).toBe(
      "2024-03-01T12:00:00.123Z",
    );
    expect(decodeTimestampWithoutTimeZone("0044-03-15 00:00:00 BC").getUTCFullYear()).toBe(-43);
    expect(decodeTimestampWithoutTimeZone("infinity").getTime()).toBe(8.64e15);
    expect(decodeTimestampWithoutTimeZone("-infinity").getTime()).toBe(-8.64e15);
  });

  it("keeps dates as calendar days", () => {
    expect(decodeDate("2024-02-29")).toBe("2024-02-29");
  });
});
