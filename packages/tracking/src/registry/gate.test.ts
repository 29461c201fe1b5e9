import { BallastError } from "@ballast/core";
import { describe, expect, it } from "vitest";
import { evaluateGate, type GateFacts, gateMetrics, type MetricSummary, parseGate } from "./gate.js";

const summary = (last: number, min = last, max = last): MetricSummary => ({ last, min, max });

const facts = (overrides: Partial<GateFacts> = {}): GateFacts => ({
  candidate: {
    version: 3,
    metrics: new Map([
      ["accuracy", summary(0.92, 0.5, 0.95)],
      ["loss", summary(0.2, 0.18, 1.4)],
    ]),
    versionTags: { validated: "true" },
    runTags: { validated: "false", owner: "ml-team" },
  },
  current: {
    version: 2,
    metrics: new Map([
      ["accuracy", summary(0.9)],
      ["loss", summary(0.25)],
    ]),
  },
  ...overrides,
});

describe("evaluateGate", () => {
  it("compares metric stats with every operator", () => {
    const results = evaluateGate(
      parseGate([
        { metric: "accuracy", op: ">=", value: 0.9 },
        { metric: "accuracy", op: ">", value: 0.92 },
        { metric: "accuracy", op: "<=", value: 0.5, stat: "min" },
        { metric: "loss", op: "<", value: 1.5, stat: "max" },
        { metric: "loss", op: "==", value: 0.2 },
        { metric: "loss", op: "!=", value: 0.2 },
      ]),
      facts(),
    );
    expect(results.map((result) => result.passed)).toEqual([true, false, true, true, true, false]);
    expect(results[0]).toMatchObject({ actual: 0.92, expected: ">= 0.9" });
    expect(results[2]!.message).toContain("min(accuracy)");
  });

  it("fails a metric the run never logged, with actual null", () => {
    const [result] = evaluateGate([{ metric: "f1", op: ">", value: 0 }], facts());
    expect(result).toMatchObject({ passed: false, actual: null });
    expect(result!.message).toContain("not logged");
  });

  it("reads tags from the version first, the run as fallback, or where told", () => {
    const results = evaluateGate(
      [
        { tag: "validated", equals: "true" },
        { tag: "validated", equals: "true", on: "run" },
        { tag: "owner", equals: "ml-team" },
        { tag: "owner", on: "version" },
        { tag: "owner" },
      ],
      facts(),
    );
    expect(results.map((result) => result.passed)).toEqual([true, false, true, false, true]);
    expect(results[1]).toMatchObject({ actual: "false", expected: '= "true"' });
    expect(results[3]).toMatchObject({ actual: null, expected: "present" });
  });

  it("betterThanCurrent: strictly better, by at least minDelta, in the given direction", () => {
    const results = evaluateGate(
      [
        { metric: "accuracy", betterThanCurrent: "higher" },
        { metric: "accuracy", betterThanCurrent: "higher", minDelta: 0.05 },
        { metric: "loss", betterThanCurrent: "lower" },
        { metric: "loss", betterThanCurrent: "higher" },
      ],
      facts(),
    );
    expect(results.map((result) => result.passed)).toEqual([true, false, true, false]);
    expect(results[1]!.expected).toContain("0.95");
  });

  it("betterThanCurrent passes when the alias is unset or the current version lacks the metric", () => {
    const condition = { metric: "accuracy", betterThanCurrent: "higher" } as const;
    expect(evaluateGate([condition], facts({ current: undefined }))[0]!.passed).toBe(true);
    expect(evaluateGate([condition], facts({ current: { version: 1, metrics: new Map() } }))[0]!.passed).toBe(
      true,
    );
  });

  it("a version never beats itself", () => {
    const same = facts();
    const [result] = evaluateGate([{ metric: "accuracy", betterThanCurrent: "higher" }], {
      ...same,
      current: { version: 3, metrics: same.candidate.metrics },
    });
    expect(result!.passed).toBe(false);
  });

  it("betterThanCurrent fails when the candidate lacks the metric", () => {
    const [result] = evaluateGate([{ metric: "auc", betterThanCurrent: "higher" }], facts());
    expect(result).toMatchObject({ passed: false, actual: null });
  });
});

describe("parseGate", () => {
  it.each([
    [[{ metric: "accuracy", op: "=>", value: 1 }]],
    [[{ metric: "accuracy", op: ">=", value: "0.9" }]],
    [[{ metric: "accuracy", op: ">=", value: Number.NaN }]],
    [[{ tag: "" }]],
    [[{ metric: "accuracy", betterThanCurrent: "up" }]],
    [[{ metric: "accuracy", betterThanCurrent: "higher", minDelta: -1 }]],
    [[{ metrc: "accuracy", op: ">=", value: 1 }]],
    [{ metric: "accuracy" }],
  ])("rejects %j with GATE_INVALID", (gate) => {
    try {
      parseGate(gate);
      expect.unreachable();
    } catch (error) {
      expect(BallastError.isInstance(error, "GATE_INVALID")).toBe(true);
    }
  });

  it("lists the metric keys a gate reads, once each", () => {
    expect(
      gateMetrics([
        { metric: "accuracy", op: ">", value: 0 },
        { tag: "x" },
        { metric: "accuracy", betterThanCurrent: "higher" },
        { metric: "loss", op: "<", value: 1 },
      ]),
    ).toEqual(["accuracy", "loss"]);
  });
});
