import { describe, expect, it } from "vitest";
import { manualClock, systemClock } from "./clock.js";

describe("clocks", () => {
  it("the system clock follows Date.now", () => {
    const before = Date.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
  });

  it("a manual clock moves only when told", () => {
    const clock = manualClock(new Date("2026-01-01T00:00:00Z"));
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    clock.advance(1500);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1) + 1500);
    clock.set(42);
    expect(clock.now()).toBe(42);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
