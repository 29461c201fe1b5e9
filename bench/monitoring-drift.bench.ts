/**
 * The drift report for 1M reference rows × 1M current rows × 100 numeric columns with the default
 * tests: `compare(reference, current)` from the built package (@ballast/monitoring, dist/), on two
 * Arrow tables, producing the DriftReport. For a reference above 1000 rows Evidently's default for a
 * numeric column with more than 5 distinct values is the Wasserstein distance normed by the
 * reference's standard deviation; `compare` chooses it itself (the bench checks it did). SciPy
 * computes the same statistic on the same data in the same run (bench/monitoring-drift-scipy.py, the
 * python from BALLAST_TEST_SCIPY_PYTHON or scripts/ci/scipy-env.sh).
 *
 * Fairness: both sides hold the data in memory before timing (SciPy reads the float64 file this bench
 * writes; the Arrow tables wrap the same in-memory arrays); neither side's timing includes loading.
 * `compare` runs with its default `parallelism: "auto"` (worker threads, one per core, which it
 * starts on first use: the warm-up call) and, as a second case, on one thread; SciPy runs one thread,
 * as wasserstein_distance does. The values of both sides are compared and the largest relative
 * difference printed.
 *
 * Run: `npm run bench -- monitoring-drift` (or `npx tsx bench/run.ts monitoring-drift` after
 * `npm run build -w @ballast/monitoring`). Smaller runs: BALLAST_BENCH_ROWS=100000
 * BALLAST_BENCH_COLUMNS=10 (defaults 1,000,000 and 100); BALLAST_BENCH_ITERATIONS (default 3).
 */
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { compare, type DriftReport } from "@ballast/monitoring";
import { makeVector, Table } from "apache-arrow";
import { runBench } from "./harness.js";

const rows = Number(process.env.BALLAST_BENCH_ROWS ?? 1_000_000);
const columns = Number(process.env.BALLAST_BENCH_COLUMNS ?? 100);
const iterations = Number(process.env.BALLAST_BENCH_ITERATIONS ?? 3);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const python =
  process.env.BALLAST_TEST_SCIPY_PYTHON ||
  execFileSync("bash", [join(root, "scripts/ci/scipy-env.sh")], { encoding: "utf8" }).trim();

// Deterministic data: per column a normal reference; the current sample is shifted and rescaled on some
// columns (drift), rounded to a 0.01 grid on every fifth column (ties). Column-major: the reference
// columns, then the current columns.
const all = new Float64Array(2 * columns * rows);
let seed = 12345;
const uniform = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed + 0.5) / 4294967296;
};
for (let c = 0; c < columns; c++) {
  const mean = (c % 7) - 3;
  const sd = 0.5 + (c % 5);
  const shift = c % 3 === 0 ? 0.15 * sd : 0;
  const scale = c % 4 === 0 ? 1.2 : 1;
  const grid = c % 5 === 0;
  for (const [offset, s, m] of [
    [c * rows, 1, 0],
    [(columns + c) * rows, scale, shift],
  ] as const) {
    for (let i = 0; i < rows; i += 2) {
      const r = Math.sqrt(-2 * Math.log(uniform()));
      const t = 2 * Math.PI * uniform();
      for (const [k, z] of [
        [i, r * Math.cos(t)],
        [i + 1, r * Math.sin(t)],
      ] as const) {
        if (k >= rows) continue;
        const v = mean + m + sd * s * z;
        all[offset + k] = grid ? Math.round(v * 100) / 100 : v;
      }
    }
  }
}
const dir = mkdtempSync(join(tmpdir(), "ballast-drift-bench-"));
const file = join(dir, "columns.f64");
const fd = openSync(file, "w");
const bytes = new Uint8Array(all.buffer);
for (let offset = 0; offset < bytes.length; offset += 1 << 26) {
  writeSync(fd, bytes, offset, Math.min(1 << 26, bytes.length - offset));
}
closeSync(fd);

/** An Arrow table over the columns starting at column `first` of `all` (no copy). */
function tableOf(first: number): Table {
  const vectors: Record<string, ReturnType<typeof makeVector>> = {};
  for (let c = 0; c < columns; c++) {
    vectors[`c${c}`] = makeVector(all.subarray((first + c) * rows, (first + c + 1) * rows));
  }
  return new Table(vectors);
}
const reference = tableOf(0);
const current = tableOf(columns);

const scipy = spawn(
  python,
  [join(root, "bench/monitoring-drift-scipy.py"), file, String(rows), String(columns)],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const lines = createInterface({ input: scipy.stdout })[Symbol.asyncIterator]();
const readLine = async () => JSON.parse(((await lines.next()).value as string) ?? "null");
await readLine(); // ready: data loaded

// CPU seconds of every thread of this process per run: on a shared machine the wall time depends on the
// neighbours, the CPU time much less.
const cpuSeconds = new Map<string, number[]>();
let report: DriftReport | undefined;
const timedCompare = (name: string, parallelism: "auto" | 1) => () => {
  const cpu = process.cpuUsage();
  report = compare(reference, current, { parallelism });
  const used = process.cpuUsage(cpu);
  cpuSeconds.set(name, [...(cpuSeconds.get(name) ?? []), (used.user + used.system) / 1e6]);
};
// The machine may be shared: the load average says how much of it other jobs took during the run.
const loadAtStart = loadavg()[0]!;
const coldStart = performance.now();
timedCompare("cold", "auto")();
const coldMs = performance.now() - coldStart;

let theirs: number[] = [];
const scipySeconds: number[] = [];
const scipyCpuSeconds: number[] = [];
const results = await runBench({
  name: "monitoring-drift",
  baseline: "scipy",
  unit: "columns",
  iterations,
  warmup: 1,
  params: {
    rows,
    columns,
    measured: "compare(reference, current) → DriftReport, default tests and parallelism",
    test: "wasserstein normed (chosen by compare: reference > 1000 rows, > 5 distinct values)",
  },
  cases: [
    { name: "ballast compare (auto)", items: columns, run: timedCompare("ballast compare (auto)", "auto") },
    {
      name: "ballast compare (1 thread)",
      items: columns,
      run: timedCompare("ballast compare (1 thread)", 1),
    },
    {
      name: "scipy",
      items: columns,
      run: async () => {
        scipy.stdin.write("run\n");
        const answer = await readLine();
        theirs = answer.values;
        scipySeconds.push(answer.seconds);
        scipyCpuSeconds.push(answer.cpuSeconds);
      },
    },
  ],
});
const tests = new Set(report!.columns.map((c) => c.test));
if (tests.size !== 1 || !tests.has("wasserstein")) {
  throw new Error(`compare chose ${[...tests].join(", ")}, not the Wasserstein test, for some column`);
}
let maxRel = 0;
for (let c = 0; c < columns; c++) {
  const ours = report!.columns[c]!.statistic;
  const rel = Math.abs(ours - theirs[c]!) / Math.abs(theirs[c]!);
  if (rel > maxRel) maxRel = rel;
}
scipy.stdin.write("quit\n");
const scipyPeak = (await readLine()).peakRssMb as number;
rmSync(dir, { recursive: true, force: true });
const auto = results.find((r) => r.name === "ballast compare (auto)")!;
const single = results.find((r) => r.name === "ballast compare (1 thread)")!;
const fmt = (values: number[]) => values.map((v) => v.toFixed(2)).join(", ");
console.log(
  `report: ${report!.driftedColumns}/${report!.columnCount} columns drifted; max relative difference of the statistics, ballast vs scipy: ${maxRel.toExponential(2)}`,
);
console.log(`first compare (starts the workers): ${(coldMs / 1000).toFixed(2)} s`);
console.log(`scipy's own timing (s): ${fmt(scipySeconds)}; CPU s: ${fmt(scipyCpuSeconds)}`);
for (const [name, values] of cpuSeconds)
  if (name !== "cold") console.log(`${name} CPU s (all threads): ${fmt(values)}`);
console.log(
  `ballast compare median ${(auto.medianMs / 1000).toFixed(2)} s (target ≤ 3 s), ratio to scipy ${auto.timeRatioToBaseline.toFixed(3)}× (target ≤ 1.5×); one thread ${(single.medianMs / 1000).toFixed(2)} s`,
);
console.log(
  `load average (1 min) at the start ${loadAtStart.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)} (the bench itself accounts for 1 to 2 of it)`,
);
console.log(
  `peak RSS: node ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (holds the ${((2 * columns * rows * 8) / 2 ** 20).toFixed(0)} MB of data), scipy ${scipyPeak.toFixed(0)} MB`,
);
