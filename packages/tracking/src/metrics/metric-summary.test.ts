import { describe, expect, it } from "vitest";
import type { MetricRow } from "./metric-row.js";
import { summarizeMetricRows } from "./metric-summary.js";

const row = (key: string, step: number, timestamp_ms: number, value: number): MetricRow => ({
  workspace_id: "w",
  run_id: "r",
  key,
  step,
  timestamp_ms,
  value,
});

describe("summarizeMetricRows", () => {
  it("takes last by step then timestamp, min, max and count per key", () => {
    const summaries = summarizeMetricRows([
      row("loss", 2, 10, 0.5),
      row("loss", 3, 5, 0.4),
      row("loss", 1, 99, 0.9),
      row("acc", 0, 1, 0.1),
      row("loss", 3, 6, 0.45),
    ]);
    const loss = summaries.find((s) => s.key === "loss")!;
    expect(loss).toMatchObject({
      last_value: 0.45,
      last_step: 3,
      last_timestamp_ms: 6,
      min_value: 0.4,
      max_value: 0.9,
      point_count: 4,
    });
    expect(summaries.find((s) => s.key === "acc")).toMatchObject({ last_value: 0.1, point_count: 1 });
  });

  it("lets a later point win a full tie, as the upsert's >= does", () => {
    const [only] = summarizeMetricRows([row("x", 1, 1, 1), row("x", 1, 1, 2)]);
    expect(only!.last_value).toBe(2);
  });

  it("orders NaN above every number, like PostgreSQL", () => {
    const [only] = summarizeMetricRows([row("x", 0, 0, Number.NaN), row("x", 1, 0, 3), row("x", 2, 0, -1)]);
    expect(only!.min_value).toBe(-1);
    expect(only!.max_value).toBeNaN();
  });
});
