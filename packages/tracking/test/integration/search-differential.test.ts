/**
 * Differential test: random filters over random runs must select exactly the runs the in-memory
 * oracle (src/search/filter-oracle.ts, written apart from the compiler) selects. Small pools of keys,
 * strings and numbers make matches, misses, missing fields and type mismatches all common.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { RUN_STATUSES } from "../../src/run/run-status.js";
import { type FilterPools, filterArbitrary } from "../../src/search/filter-arbitraries.js";
import { evaluateFilter, type OracleRun } from "../../src/search/filter-oracle.js";
import { printFilter } from "../../src/search/filter-printer.js";
import { searchRuns } from "../../src/search/search-runs.js";
import type { TrackingContext } from "../../src/tracking-context.js";
import { trackingBackends } from "../backends.js";
import { oracleRun, type SeedRun, seedRuns } from "./search-fixtures.js";

const KEYS = ["a", "b", "c"];
const STRINGS = ["x", "y", "ab", "aB", "a%b", "", "Zz", "é"];
const NUMBERS = [-1, 0, 0.5, 1, 2];
const BASE = Date.UTC(2025, 5, 1);
const TIMES = [BASE, BASE + 1000, BASE + 2000, "2025-06-01T00:00:01Z"];

const pools: FilterPools = {
  keys: fc.constantFrom(...KEYS),
  strings: fc.constantFrom(...STRINGS),
  numbers: fc.constantFrom(...NUMBERS),
  times: fc.constantFrom(...TIMES),
};

const seedRunArbitrary = (i: number): fc.Arbitrary<SeedRun> =>
  fc
    .record({
      status: fc.constantFrom(...RUN_STATUSES),
      name: fc.constantFrom(...STRINGS),
      experiment: fc.constantFrom("x", "y"),
      start: fc.constantFrom(0, 1000, 2000),
      end: fc.option(fc.constantFrom(1000, 3000), { nil: null }),
      parent: fc.boolean(),
      params: fc.dictionary(
        fc.constantFrom(...KEYS),
        fc.oneof(fc.constantFrom(...NUMBERS), fc.constantFrom(...STRINGS), fc.boolean()),
      ),
      tags: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...STRINGS)),
      metrics: fc.dictionary(
        fc.constantFrom(...KEYS),
        fc.array(fc.oneof(fc.constantFrom(...NUMBERS), fc.constant(Number.NaN)), {
          minLength: 1,
          maxLength: 3,
        }),
      ),
    })
    .map((r) => ({
      id: `d-${String(i).padStart(3, "0")}`,
      experiment: r.experiment,
      name: r.name,
      status: r.status,
      startTime: BASE + r.start,
      endTime: r.end === null ? null : BASE + r.end,
      parentRunId: r.parent && i > 0 ? "d-000" : null,
      params: r.params,
      tags: r.tags,
      metrics: r.metrics,
    }));

describe.each(trackingBackends())("filter compiler vs oracle on $name", (backend) => {
  let ctx: TrackingContext;
  let oracle: OracleRun[];

  beforeAll(async () => {
    ctx = await backend.open();
    const runs = Array.from(
      { length: 60 },
      (_, i) => fc.sample(seedRunArbitrary(i), { numRuns: 1, seed: 4242 + i })[0]!,
    );
    await seedRuns(ctx, runs);
    oracle = runs.map(oracleRun);
  });

  it("selects exactly the runs the oracle selects", async () => {
    let partial = 0;
    await fc.assert(
      fc.asyncProperty(filterArbitrary(pools), async (tree) => {
        const { runs } = await searchRuns(ctx, { filter: tree, orderBy: ["run_id"], limit: 1000 });
        const want = oracle.filter((run) => evaluateFilter(tree, run)).map((run) => run.id);
        expect(
          runs.map((run) => run.id),
          printFilter(tree),
        ).toEqual(want);
        if (want.length > 0 && want.length < oracle.length) partial++;
      }),
      { numRuns: 300, seed: 7 },
    );
    // Guards the test itself: filters that select all or nothing would agree trivially.
    expect(partial).toBeGreaterThan(100);
  });
});
