import { BallastError } from "@ballast/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { filterArbitrary, wideFilterPools } from "./filter-arbitraries.js";
import { parseFilter, parseSortKey } from "./filter-parser.js";
import { printFilter } from "./filter-printer.js";

function errorOf(filter: string): BallastError {
  try {
    parseFilter(filter);
  } catch (error) {
    if (BallastError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe("parseFilter", () => {
  it("parses the example from the issue with normal precedence", () => {
    expect(
      parseFilter(
        'params.lr < 0.01 and (metrics.accuracy.max >= 0.9 or tags.team = "ml") and status in ("finished", "failed") and name like "resnet%"',
      ),
    ).toEqual({
      type: "and",
      operands: [
        { type: "compare", field: { kind: "param", key: "lr" }, op: "<", value: 0.01 },
        {
          type: "or",
          operands: [
            {
              type: "compare",
              field: { kind: "metric", key: "accuracy", aggregate: "max" },
              op: ">=",
              value: 0.9,
            },
            { type: "compare", field: { kind: "tag", key: "team" }, op: "=", value: "ml" },
          ],
        },
        {
          type: "in",
          field: { kind: "attribute", name: "status" },
          values: ["finished", "failed"],
          negated: false,
        },
        {
          type: "like",
          field: { kind: "attribute", name: "name" },
          pattern: "resnet%",
          caseInsensitive: false,
          negated: false,
        },
      ],
    });
  });

  it("binds and tighter than or, and not tighter than and", () => {
    const a = { type: "compare", field: { kind: "param", key: "a" }, op: "=", value: 1 } as const;
    const b = { ...a, field: { kind: "param", key: "b" } } as const;
    const c = { ...a, field: { kind: "param", key: "c" } } as const;
    expect(parseFilter("params.a = 1 or params.b = 1 and params.c = 1")).toEqual({
      type: "or",
      operands: [a, { type: "and", operands: [b, c] }],
    });
    expect(parseFilter("not params.a = 1 and params.b = 1")).toEqual({
      type: "and",
      operands: [{ type: "not", operand: a }, b],
    });
  });

  it("reads quoted keys, keyword case, synonyms and the negated forms", () => {
    expect(parseFilter('PARAMS.`learning-rate` == 3 AND Metrics."val.loss".MIN <> -1e-3')).toEqual({
      type: "and",
      operands: [
        { type: "compare", field: { kind: "param", key: "learning-rate" }, op: "=", value: 3 },
        {
          type: "compare",
          field: { kind: "metric", key: "val.loss", aggregate: "min" },
          op: "!=",
          value: -0.001,
        },
      ],
    });
    expect(parseFilter("tags.x not in ('a', 'b\\'c')")).toEqual({
      type: "in",
      field: { kind: "tag", key: "x" },
      values: ["a", "b'c"],
      negated: true,
    });
    expect(parseFilter('name not ilike "A%"')).toMatchObject({
      type: "like",
      caseInsensitive: true,
      negated: true,
    });
    expect(parseFilter("end_time is not null")).toEqual({
      type: "null",
      field: { kind: "attribute", name: "end_time" },
      negated: true,
    });
    expect(parseFilter('start_time >= "2025-01-01T00:00:00Z"')).toMatchObject({
      value: "2025-01-01T00:00:00Z",
    });
  });

  it("points a caret at the column of the mistake and says what was expected", () => {
    const error = errorOf("params.lr < and metrics.x > 1");
    expect(error.code).toBe("FILTER_INVALID");
    expect(error.details).toMatchObject({ position: 12, column: 13 });
    expect(error.message).toContain('expected a value (a number or a quoted string), found "and"');
    expect(error.message).toContain("\n  params.lr < and metrics.x > 1\n              ^");
  });

  it.each([
    ["params.lr <", 11, "expected a value"],
    ["(params.a = 1", 13, 'closing ")"'],
    ["params.a = 1 params.b = 2", 13, '"and", "or"'],
    ["metrics.loss.mean > 1", 13, "min, max, last or count"],
    ['metrics.loss > "1"', 15, "metrics compare with numbers"],
    ["tags.team = 1", 12, "tags hold text"],
    ['status = "done"', 9, "status is one of"],
    ['metrics.loss like "a%"', 13, "like and ilike apply to text"],
    ['params.a = "unclosed', 11, "never closed"],
    ["params.a ~ 1", 9, "unexpected character"],
    ["bogus = 1", 0, "a field"],
    ["", 0, "a condition"],
    ['start_time > "yesterday"', 13, "ISO 8601"],
    ['name like "ab\\\\"', 10, "lone backslash"],
    ["params.a in ()", 13, "expected a value"],
    ["params.a not = 1", 13, '"in", "like" or "ilike"'],
  ])("rejects %j at offset %i", (filter, position, expected) => {
    const error = errorOf(filter);
    expect(error.code).toBe("FILTER_INVALID");
    expect(error.details?.position).toBe(position);
    expect(error.message).toContain(expected);
  });

  it("shows the line and column of a mistake in a multi-line filter", () => {
    const error = errorOf("params.a = 1\n  and params.b >");
    expect(error.message).toContain("line 2, column 17");
    expect(error.message).toContain("\n    and params.b >\n                  ^");
  });

  it("property: printing a random tree and parsing it back gives the same tree", () => {
    fc.assert(
      fc.property(filterArbitrary(wideFilterPools), (tree) => {
        expect(parseFilter(printFilter(tree))).toEqual(tree);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: any text either parses or fails with FILTER_INVALID, nothing else", () => {
    const fragments = fc.constantFrom(
      "params.",
      "metrics.",
      "tags.",
      "status",
      "name",
      " and ",
      " or ",
      "not ",
      "(",
      ")",
      " = ",
      " < ",
      " in (",
      ",",
      " like ",
      " is ",
      " null",
      '"x"',
      "'",
      "`",
      "\\",
      "1",
      "-2.5e3",
      ".",
      "max",
    );
    const text = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.array(fragments, { maxLength: 12 }).map((f) => f.join("")),
    );
    fc.assert(
      fc.property(text, (filter) => {
        try {
          parseFilter(filter);
        } catch (error) {
          expect(BallastError.isInstance(error, "FILTER_INVALID")).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe("parseSortKey", () => {
  it("reads a field and a direction, ascending by default", () => {
    expect(parseSortKey("metrics.accuracy DESC")).toEqual({
      field: { kind: "metric", key: "accuracy", aggregate: "last" },
      direction: "desc",
    });
    expect(parseSortKey("start_time")).toEqual({
      field: { kind: "attribute", name: "start_time" },
      direction: "asc",
    });
  });

  it("rejects junk with ORDER_BY_INVALID and a caret", () => {
    expect(() => parseSortKey("metrics.accuracy sideways")).toThrow(/expected "ASC", "DESC"[\s\S]*\^/);
    try {
      parseSortKey("params.`x");
    } catch (error) {
      expect(BallastError.isInstance(error, "ORDER_BY_INVALID")).toBe(true);
    }
  });
});
