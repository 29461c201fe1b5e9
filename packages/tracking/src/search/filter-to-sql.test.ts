import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FilterPools, filterArbitrary } from "./filter-arbitraries.js";
import type { FilterExpression, FilterLiteral } from "./filter-ast.js";
import { parseFilter } from "./filter-parser.js";
import { compileFilter } from "./filter-to-sql.js";
import { SqlParameters } from "./sql-parameters.js";

function compile(filter: string | FilterExpression) {
  const params = new SqlParameters();
  const sql = compileFilter(typeof filter === "string" ? parseFilter(filter) : filter, params);
  return { sql, values: params.values };
}

/** Collects every key and literal of a tree: what must appear in the bind list, never in the SQL. */
function literalsOf(expression: FilterExpression): FilterLiteral[] {
  switch (expression.type) {
    case "and":
    case "or":
      return expression.operands.flatMap(literalsOf);
    case "not":
      return literalsOf(expression.operand);
    default: {
      const keys = "key" in expression.field ? [expression.field.key] : [];
      if (expression.type === "compare") return [...keys, expression.value];
      if (expression.type === "in") return [...keys, ...expression.values];
      if (expression.type === "like") return [...keys, expression.pattern];
      return keys;
    }
  }
}

describe("compileFilter", () => {
  it("probes params by key with EXISTS, binding the key and the number", () => {
    const { sql, values } = compile("params.lr < 0.01");
    expect(sql).toBe(
      "EXISTS (SELECT 1 FROM tracking_params x WHERE x.workspace_id = r.workspace_id AND x.run_id = r.id AND x.key = $1::text AND x.value_number < $2::float8)",
    );
    expect(values).toEqual(["lr", 0.01]);
  });

  it("compares param strings as text, text ranges bytewise, and metric figures by column", () => {
    expect(compile('params.opt >= "adam"').sql).toContain('x.value_text >= $2::text COLLATE "C"');
    expect(compile("metrics.loss.min <= 1").sql).toContain("tracking_metric_summaries x");
    expect(compile("metrics.loss.min <= 1").sql).toContain("x.min_value <= $2::float8");
    expect(compile("metrics.loss.count = 3").sql).toContain("x.point_count = $2::float8");
  });

  it("guards nullable attributes so a missing value never matches, even negated", () => {
    expect(compile('parent_run_id != "a"').sql).toBe(
      "(r.parent_run_id IS NOT NULL AND r.parent_run_id <> $1::text)",
    );
    expect(compile("end_time > 0").values[0]).toEqual(new Date(0));
    expect(compile('experiment = "e"').sql).toBe("(e.name = $1::text)");
  });

  it("compiles and/or/not with parentheses and in-lists as bound arrays", () => {
    const { sql, values } = compile('not (status in ("finished", "failed") or tags.team = "ml")');
    expect(sql).toBe(
      "(NOT ((r.status = ANY($1::text[])) OR EXISTS (SELECT 1 FROM tracking_tags x WHERE x.workspace_id = r.workspace_id AND x.run_id = r.id AND x.key = $2::text AND x.value = $3::text)))",
    );
    expect(values).toEqual([["finished", "failed"], "team", "ml"]);
  });

  it("property: no literal or key ever appears in the SQL text; all are bound", () => {
    // Marker strings that cannot occur in the compiler's own SQL, so a leak would be visible.
    const pools: FilterPools = {
      keys: fc.string({ minLength: 1, maxLength: 6 }).map((s) => `K${s}'"--;`),
      strings: fc.string({ maxLength: 6 }).map((s) => `V${s}');DROP TABLE x;--`),
      numbers: fc.integer({ min: 100_000, max: 999_999 }).map((n) => n + 0.123),
      times: fc.integer({ min: 1_000_000_000_000, max: 1_999_999_999_999 }),
    };
    fc.assert(
      fc.property(filterArbitrary(pools), (tree) => {
        const { sql, values } = compile(tree);
        // Patterns made only of wildcards (%, _) are no markers; every key and other literal is.
        for (const literal of literalsOf(tree).filter((l) => typeof l === "number" || /[KV]/.test(l))) {
          expect(sql).not.toContain(String(literal));
        }
        expect(sql).not.toMatch(/'(?!epoch)/);
        expect(sql.match(/\$\d+/g)?.length ?? 0).toBeGreaterThanOrEqual(values.length > 0 ? 1 : 0);
        const highest = Math.max(0, ...(sql.match(/\$(\d+)/g) ?? []).map((p) => Number(p.slice(1))));
        expect(highest).toBe(values.length);
      }),
      { numRuns: 1000 },
    );
  });
});
