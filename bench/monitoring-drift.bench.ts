/**
 * Drift statistics for 1M reference rows × 1M current rows × 100 numeric columns with the default tests
 * (for a reference above 1000 rows Evidently's default for numeric columns is the Wasserstein distance
 * normed by the reference's standard deviation), against SciPy computing the same statistic on the same
 * data in the same run (bench/monitoring-drift-scipy.py, the python from BALLAST_TEST_SCIPY_PYTHON or
 * scripts/ci/scipy-env.sh).
 *
 * Fairness: both sides hold the data in memory before timing (SciPy reads the same float64 file this
 * bench writes); neither side's timing includes loading. Ballast spreads columns over worker_threads (one
 * per core) sharing the data through a SharedArrayBuffer; SciPy runs one thread, as wasserstein_distance
 * does. The values of both sides are compared and the largest relative difference printed.
 *
 * Run: `npm run bench -- monitoring-drift` (or `npx tsx bench/run.ts monitoring-drift`). Smaller runs:
 * BALLAST_BENCH_ROWS=100000 BALLAST_BENCH_COLUMNS=10 (defaults 1,000,000 and 100);
 * BALLAST_BENCH_ITERATIONS (default 3).
 */
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { selectDefaultDriftTest } from "../packages/monitoring/src/stats/default-tests.js";
import { wassersteinNormedClean } from "../packages/monitoring/src/stats/wasserstein.js";

interface Shared {
  data: SharedArrayBuffer;
  results: SharedArrayBuffer;
  next: SharedArrayBuffer;
  rows: number;
  columns: number;
}

/** Distinct values, counted only up to `limit + 1` (enough for the default-test rule). */
function distinctUpTo(a: Float64Array, b: Float64Array, limit: number): number {
  const seen = new Set<number>();
  for (const s of [a, b]) {
    for (let i = 0; i < s.length; i++) {
      seen.add(s[i]!);
      if (seen.size > limit) return seen.size;
    }
  }
  return seen.size;
}

/** One column's default drift statistic; the column copies are sorted in place. */
function columnStatistic(reference: Float64Array, current: Float64Array): number {
  const test = selectDefaultDriftTest({
    columnType: "numerical",
    referenceRows: reference.length,
    distinctValues: distinctUpTo(reference, current, 5),
  });
  if (test.test !== "wasserstein") throw new Error(`unexpected default test ${test.test}`);
  return wassersteinNormedClean(reference, current);
}

function workerLoop(shared: Shared): void {
  const { rows, columns } = shared;
  const all = new Float64Array(shared.data);
  const results = new Float64Array(shared.results);
  const next = new Int32Array(shared.next);
  const ref = new Float64Array(rows);
  const cur = new Float64Array(rows);
  parentPort!.on("message", () => {
    for (;;) {
      const c = Atomics.add(next, 0, 1);
      if (c >= columns) break;
      ref.set(all.subarray(c * rows, (c + 1) * rows));
      cur.set(all.subarray((columns + c) * rows, (columns + c + 1) * rows));
      results[c] = columnStatistic(ref, cur);
    }
    parentPort!.postMessage("done");
  });
}

if (!isMainThread) {
  workerLoop(workerData as Shared);
} else {
  const { runBench } = await import("./harness.js");
  const rows = Number(process.env.BALLAST_BENCH_ROWS ?? 1_000_000);
  const columns = Number(process.env.BALLAST_BENCH_COLUMNS ?? 100);
  const iterations = Number(process.env.BALLAST_BENCH_ITERATIONS ?? 3);
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const python =
    process.env.BALLAST_TEST_SCIPY_PYTHON ||
    execFileSync("bash", [join(root, "scripts/ci/scipy-env.sh")], { encoding: "utf8" }).trim();

  // Deterministic data: per column a normal reference; the current sample is shifted and rescaled on some
  // columns (drift), rounded to a 0.01 grid on every fifth column (ties).
  const data = new SharedArrayBuffer(2 * columns * rows * 8);
  const all = new Float64Array(data);
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
  const bytes = new Uint8Array(data);
  for (let offset = 0; offset < bytes.length; offset += 1 << 26) {
    writeSync(fd, bytes, offset, Math.min(1 << 26, bytes.length - offset));
  }
  closeSync(fd);

  const scipy = spawn(
    python,
    [join(root, "bench/monitoring-drift-scipy.py"), file, String(rows), String(columns)],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: scipy.stdout })[Symbol.asyncIterator]();
  const readLine = async () => JSON.parse(((await lines.next()).value as string) ?? "null");
  await readLine(); // ready: data loaded

  const shared: Shared = {
    data,
    results: new SharedArrayBuffer(columns * 8),
    next: new SharedArrayBuffer(4),
    rows,
    columns,
  };
  const threads = Math.min(availableParallelism(), columns);
  // Each worker runs this same file; it registers tsx's TypeScript loader first, then imports it.
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const workers = Array.from(
    { length: threads },
    () => new Worker(bootstrap, { eval: true, workerData: shared }),
  );
  const ours = new Float64Array(shared.results);
  // CPU seconds of every thread of this process per run: on a shared machine the wall time depends on the
  // neighbours, the CPU time much less.
  const ourCpuSeconds: number[] = [];
  const runOurs = () =>
    new Promise<void>((resolve) => {
      const cpu = process.cpuUsage();
      Atomics.store(new Int32Array(shared.next), 0, 0);
      let pending = workers.length;
      for (const w of workers) {
        w.once("message", () => {
          if (--pending === 0) {
            const used = process.cpuUsage(cpu);
            ourCpuSeconds.push((used.user + used.system) / 1e6);
            resolve();
          }
        });
        w.postMessage("run");
      }
    });
  let theirs: number[] = [];
  const scipySeconds: number[] = [];
  const scipyCpuSeconds: number[] = [];
  const results = await runBench({
    name: "monitoring-drift",
    baseline: "scipy",
    unit: "columns",
    iterations,
    warmup: 1,
    params: { rows, columns, threads, test: "wasserstein normed (Evidently default, reference > 1000 rows)" },
    cases: [
      { name: "ballast", items: columns, run: runOurs },
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
  let maxRel = 0;
  for (let c = 0; c < columns; c++) {
    const rel = Math.abs(ours[c]! - theirs[c]!) / Math.abs(theirs[c]!);
    if (rel > maxRel) maxRel = rel;
  }
  scipy.stdin.write("quit\n");
  const scipyPeak = (await readLine()).peakRssMb as number;
  for (const w of workers) await w.terminate();
  rmSync(dir, { recursive: true, force: true });
  const ballast = results.find((r) => r.name === "ballast")!;
  console.log(`max relative difference ballast vs scipy: ${maxRel.toExponential(2)}`);
  const fmt = (values: number[]) => values.map((v) => v.toFixed(2)).join(", ");
  console.log(`scipy's own timing (s): ${fmt(scipySeconds)}; CPU s: ${fmt(scipyCpuSeconds)}`);
  console.log(`ballast CPU s (all threads): ${fmt(ourCpuSeconds)}`);
  console.log(
    `ballast median ${(ballast.medianMs / 1000).toFixed(2)} s (target ≤ 3 s), ratio to scipy ${ballast.timeRatioToBaseline.toFixed(3)}× (target ≤ 1.5×)`,
  );
  console.log(
    `peak RSS: node ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (holds the ${((2 * columns * rows * 8) / 2 ** 20).toFixed(0)} MB of data), scipy ${scipyPeak.toFixed(0)} MB`,
  );
}
