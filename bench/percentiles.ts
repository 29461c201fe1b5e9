import type { CaseResult } from "./harness.js";

/** The p-th percentile (nearest rank) of a sample. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Prints p50 and p95 of each case, for latency benchmarks whose targets are percentiles. */
export function printPercentiles(results: readonly CaseResult[]): void {
  for (const r of results) {
    console.log(
      `${r.name}: p50 ${percentile(r.samplesMs, 50).toFixed(1)} ms, p95 ${percentile(r.samplesMs, 95).toFixed(1)} ms`,
    );
  }
}
