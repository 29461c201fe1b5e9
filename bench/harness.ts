import { appendFileSync, mkdirSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One measured variant: the system under test, or the baseline it is compared with. */
export interface BenchCase {
  name: string;
  /** Items processed by one `run` (rows, records, requests), for the per-second figure. */
  items: number;
  /** Prepares one iteration; not timed. */
  setup?: () => Promise<void> | void;
  /** The timed work. */
  run: () => Promise<void> | void;
  /** Cleans up after one iteration; not timed. */
  teardown?: () => Promise<void> | void;
}

export interface BenchOptions {
  /** Benchmark name, used for the results file `bench/results/<name>.jsonl`. */
  name: string;
  /** Name of the case every other case is compared with. */
  baseline: string;
  /** Unit of `items` in the printed table, e.g. "rows". */
  unit: string;
  cases: BenchCase[];
  /** Timed iterations per case (default 5). Cases are interleaved so noise hits all of them alike. */
  iterations?: number;
  /** Untimed warm-up iterations per case (default 1). */
  warmup?: number;
  /** Free-form parameters printed and recorded (sizes, batch sizes, backend URLs). */
  params?: Record<string, unknown>;
}

export interface CaseResult {
  name: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  itemsPerSecond: number;
  /** Median time of this case divided by the baseline's median time (lower is faster). */
  timeRatioToBaseline: number;
  samplesMs: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs every case `iterations` times, interleaved round-robin so a noisy neighbour slows all cases
 * alike, then prints medians and the ratio to the baseline and appends one JSON line to
 * `bench/results/<name>.jsonl`.
 */
export async function runBench(options: BenchOptions): Promise<CaseResult[]> {
  const iterations = options.iterations ?? 5;
  const warmup = options.warmup ?? 1;
  if (!options.cases.some((c) => c.name === options.baseline)) {
    throw new Error(`baseline "${options.baseline}" is not one of the cases`);
  }
  const samples = new Map<string, number[]>(options.cases.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + iterations; round++) {
    for (const benchCase of options.cases) {
      await benchCase.setup?.();
      const start = performance.now();
      await benchCase.run();
      const elapsed = performance.now() - start;
      await benchCase.teardown?.();
      if (round >= warmup) samples.get(benchCase.name)!.push(elapsed);
    }
  }
  const baselineMedian = median(samples.get(options.baseline)!);
  const results = options.cases.map((benchCase): CaseResult => {
    const values = samples.get(benchCase.name)!;
    const medianMs = median(values);
    return {
      name: benchCase.name,
      medianMs,
      minMs: Math.min(...values),
      maxMs: Math.max(...values),
      itemsPerSecond: benchCase.items / (medianMs / 1000),
      timeRatioToBaseline: medianMs / baselineMedian,
      samplesMs: values,
    };
  });
  printTable(options, results, iterations);
  recordResults(options, results, iterations);
  return results;
}

function printTable(options: BenchOptions, results: CaseResult[], iterations: number): void {
  console.log(`\n${options.name}  (median of ${iterations}; baseline: ${options.baseline})`);
  if (options.params) console.log(`params: ${JSON.stringify(options.params)}`);
  const rows = results.map((r) => [
    r.name,
    r.medianMs.toFixed(1),
    `${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)}`,
    Math.round(r.itemsPerSecond).toLocaleString("en-US"),
    `${r.timeRatioToBaseline.toFixed(2)}×`,
  ]);
  const header = ["case", "median ms", "range ms", `${options.unit}/s`, "time vs baseline"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

function recordResults(options: BenchOptions, results: CaseResult[], iterations: number): void {
  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
  mkdirSync(resultsDir, { recursive: true });
  const record = {
    bench: options.name,
    at: new Date().toISOString(),
    node: process.version,
    platform: `${platform()}-${arch()}`,
    cpus: cpus().length,
    iterations,
    baseline: options.baseline,
    params: options.params ?? {},
    results: results.map(({ samplesMs: _samples, ...rest }) => rest),
  };
  appendFileSync(join(resultsDir, `${options.name}.jsonl`), `${JSON.stringify(record)}\n`);
}
