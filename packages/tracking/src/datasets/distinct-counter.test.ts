import { describe, expect, it } from "vitest";
import { DistinctCounter, EXACT_DISTINCT_LIMIT } from "./distinct-counter.js";

describe("DistinctCounter", () => {
  it("counts exactly up to the limit, ignoring repeats", () => {
    const counter = new DistinctCounter();
    for (let r = 0; r < 3; r++) for (let k = 0; k < EXACT_DISTINCT_LIMIT; k++) counter.add(`user-${k}`);
    expect(counter.result()).toEqual({ count: EXACT_DISTINCT_LIMIT, exact: true });
  });

  it.each([20_000, 200_000])("estimates %i distinct keys within 5% (three standard errors) past it", (n) => {
    const counter = new DistinctCounter();
    for (let k = 0; k < n; k++) counter.add(`user-${k}`);
    const { count, exact } = counter.result();
    expect(exact).toBe(false);
    expect(Number.isInteger(count)).toBe(true);
    expect(Math.abs(count - n) / n).toBeLessThan(0.05);
  });
});
