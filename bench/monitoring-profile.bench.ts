/**
 * Profiling 1M rows × 100 float64 columns, and merging 1,000 partition profiles of 100 columns.
 *
 * Baseline: a plain loop over the same Float64Arrays computing only count, mean, min and max per column
 * — the least any profiler must do (one pass over every value). `profile` does that plus NaN/infinity
 * counts, the variance, a KLL sketch (k = 200), a HyperLogLog (p = 14, 64-bit hash) and a space-saving
 * sketch (128 counters) per column, so the ratio is the price of the sketches. Both run on one thread.
 *
 * Merging: the partition profiles are kept serialized, as the profile store keeps them; the timed
 * merge decodes them one by one into a running merge (`mergeProfileStream`, decoding included). For
 * comparison, the merge of the same profiles decoded and held in memory beforehand (`mergeProfiles`,
 * the merge alone). Peak RSS (the process's maxRSS) is printed after each part.
 *
 *   npm run bench -- monitoring-profile
 *   npx tsx bench/run.ts monitoring-profile 100000 20 100 1000 2   # rows, columns, partitions, rows each, iterations
 */
import { Float64, makeData, makeVector, Table } from "apache-arrow";
import type { DatasetProfile } from "../packages/monitoring/src/profile/column-profile.js";
import { mergeProfileStream, mergeProfiles } from "../packages/monitoring/src/profile/merge-profiles.js";
import { profile } from "../packages/monitoring/src/profile/profile.js";
import {
  deserializeProfile,
  serializeProfile,
} from "../packages/monitoring/src/profile/profile-serialization.js";
import { runBench } from "./harness.js";

// `npm run bench -- monitoring-profile [rows] [columns] [partitions] [partitionRows] [iterations]`
const ROWS = Number(process.argv[3] ?? 1_000_000);
const COLUMNS = Number(process.argv[4] ?? 100);
const PARTITIONS = Number(process.argv[5] ?? 1_000);
const PARTITION_ROWS = Number(process.argv[6] ?? 1_000);
const ITERATIONS = Number(process.argv[7] ?? 3);

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Deterministic columns (LCG): half uniform floats, a quarter normal-ish, a quarter small integers. */
function makeColumns(rows: number, columns: number, seed: number): Float64Array[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: columns }, (_, c) => {
    const values = new Float64Array(rows);
    if (c % 4 === 3) for (let i = 0; i < rows; i++) values[i] = Math.floor(next() * 50);
    else if (c % 4 === 2)
      for (let i = 0; i < rows; i++) values[i] = (next() + next() + next() - 1.5) * 10 + c;
    else for (let i = 0; i < rows; i++) values[i] = next() * 1000;
    return values;
  });
}

function toTable(columns: Float64Array[]): Table {
  const vectors: Record<string, ReturnType<typeof makeVector>> = {};
  columns.forEach((values, c) => {
    vectors[`c${c}`] = makeVector(makeData({ type: new Float64(), length: values.length, data: values }));
  });
  return new Table(vectors);
}

const columns = makeColumns(ROWS, COLUMNS, 42);
const table = toTable(columns);
let sink = 0;
console.log(`data ready: ${ROWS} rows × ${COLUMNS} columns; peak RSS ${peakRssMb().toFixed(0)} MB`);

await runBench({
  name: "monitoring-profile",
  baseline: "typed-array loop (count, mean, min, max)",
  unit: "rows",
  iterations: ITERATIONS,
  params: { rows: ROWS, columns: COLUMNS, kllK: 200, hllPrecision: 14, frequentCapacity: 128 },
  cases: [
    {
      name: "typed-array loop (count, mean, min, max)",
      items: ROWS,
      run: () => {
        for (const values of columns) {
          let count = 0;
          let sum = 0;
          let min = Number.POSITIVE_INFINITY;
          let max = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < values.length; i++) {
            const x = values[i]!;
            if (Number.isNaN(x)) continue;
            count++;
            sum += x;
            if (x < min) min = x;
            if (x > max) max = x;
          }
          sink += sum / count + min + max;
        }
      },
    },
    {
      name: "profile (all sketches)",
      items: ROWS,
      run: () => {
        sink += profile(table, { seed: 1 }).rowCount;
      },
    },
  ],
});
console.log(`peak RSS after profiling: ${peakRssMb().toFixed(0)} MB`);

// Merge: PARTITIONS profiles of PARTITION_ROWS rows × COLUMNS columns, built once and kept as their
// serialized bytes (as the profile store holds them; not timed). The timed merge decodes them one at a
// time and folds each into the running result (mergeProfileStream), so memory holds one decoded
// partition and the merge, not all of them.
const stored: Uint8Array[] = [];
for (let p = 0; p < PARTITIONS; p++) {
  stored.push(
    serializeProfile(profile(toTable(makeColumns(PARTITION_ROWS, COLUMNS, 1000 + p)), { seed: p })),
  );
}
const storedMb = stored.reduce((sum, bytes) => sum + bytes.length, 0) / 2 ** 20;
console.log(
  `${PARTITIONS} partition profiles ready (${storedMb.toFixed(0)} MB serialized); peak RSS ${peakRssMb().toFixed(0)} MB`,
);
function* decoded(): Generator<DatasetProfile> {
  for (const bytes of stored) yield deserializeProfile(bytes);
}
const rssBeforeMerge = process.memoryUsage().rss / 2 ** 20;
let mergedRows = 0;
await runBench({
  name: "monitoring-profile-merge",
  baseline: `mergeProfileStream(${PARTITIONS} stored partitions)`,
  unit: "partitions",
  iterations: ITERATIONS,
  params: {
    partitions: PARTITIONS,
    partitionRows: PARTITION_ROWS,
    columns: COLUMNS,
    input: "serialized profiles",
  },
  cases: [
    {
      name: `mergeProfileStream(${PARTITIONS} stored partitions)`,
      items: PARTITIONS,
      run: () => {
        mergedRows = mergeProfileStream(decoded()).rowCount;
      },
    },
  ],
});
if (mergedRows !== PARTITIONS * PARTITION_ROWS) throw new Error(`merged ${mergedRows} rows`);
console.log(
  `peak RSS after the streaming merges: ${peakRssMb().toFixed(0)} MB (RSS before them ${rssBeforeMerge.toFixed(0)} MB, of which ${storedMb.toFixed(0)} MB the stored bytes)`,
);

// For comparison: every partition decoded up front and held in memory, then merged (the merge alone
// is timed). Memory now holds all the decoded sketches, so this part's peak RSS is printed after it.
const partitions = stored.map((bytes) => deserializeProfile(bytes));
console.log(`${PARTITIONS} partition profiles decoded and held; peak RSS ${peakRssMb().toFixed(0)} MB`);
await runBench({
  name: "monitoring-profile-merge-in-memory",
  baseline: `mergeProfiles(${PARTITIONS} decoded partitions)`,
  unit: "partitions",
  iterations: ITERATIONS,
  params: {
    partitions: PARTITIONS,
    partitionRows: PARTITION_ROWS,
    columns: COLUMNS,
    input: "decoded profiles",
  },
  cases: [
    {
      name: `mergeProfiles(${PARTITIONS} decoded partitions)`,
      items: PARTITIONS,
      run: () => {
        sink += mergeProfiles(partitions[0]!, ...partitions.slice(1)).rowCount;
      },
    },
  ],
});
console.log(`peak RSS after the in-memory merges: ${peakRssMb().toFixed(0)} MB`);
if (sink === 0) console.log("(unused)");
