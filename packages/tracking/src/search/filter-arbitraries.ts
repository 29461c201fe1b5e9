/**
 * fast-check generators of well-typed filter trees, shared by the parser's property tests and the
 * differential test against the database. Test support only: not exported from the package.
 */
import fc from "fast-check";
import { RUN_STATUSES } from "../run/run-status.js";
import {
  type ComparisonOperator,
  type FilterExpression,
  type FilterField,
  type FilterLiteral,
  METRIC_AGGREGATES,
  RUN_ATTRIBUTES,
} from "./filter-ast.js";

/** Where keys, strings and numbers are drawn from; small pools make matches likely. */
export interface FilterPools {
  keys: fc.Arbitrary<string>;
  strings: fc.Arbitrary<string>;
  numbers: fc.Arbitrary<number>;
  times: fc.Arbitrary<FilterLiteral>;
  /** Attributes to draw from (the differential test leaves out none, the printer test none either). */
  attributes?: readonly (typeof RUN_ATTRIBUTES)[number][];
}

const OPERATORS: ComparisonOperator[] = ["=", "!=", "<", "<=", ">", ">="];

/** Any finite double except -0 (which prints as 0), for round-trip tests. */
export const anyFiniteNumber = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((n) => Number.isFinite(n) && !Object.is(n, -0));

/** Pools for syntax tests: any key, any string, any finite number. */
export const wideFilterPools: FilterPools = {
  keys: fc.string({ minLength: 1, maxLength: 12, unit: "binary" }),
  strings: fc.string({ maxLength: 12, unit: "binary" }),
  numbers: anyFiniteNumber,
  times: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant("2025-06-01T12:00:00Z")),
};

function fieldArbitrary(pools: FilterPools): fc.Arbitrary<FilterField> {
  const attributes = pools.attributes ?? RUN_ATTRIBUTES;
  return fc.oneof(
    pools.keys.map((key): FilterField => ({ kind: "param", key })),
    fc
      .tuple(pools.keys, fc.constantFrom(...METRIC_AGGREGATES))
      .map(([key, aggregate]): FilterField => ({ kind: "metric", key, aggregate })),
    pools.keys.map((key): FilterField => ({ kind: "tag", key })),
    fc.constantFrom(...attributes).map((name): FilterField => ({ kind: "attribute", name })),
  );
}

/** A literal of the type `field` accepts (the parser rejects the others). */
function literalFor(field: FilterField, pools: FilterPools): fc.Arbitrary<FilterLiteral> {
  if (field.kind === "metric") return pools.numbers;
  if (field.kind === "tag") return pools.strings;
  if (field.kind === "param") return fc.oneof(pools.numbers, pools.strings);
  if (field.name === "start_time" || field.name === "end_time") return pools.times;
  if (field.name === "status") return fc.constantFrom(...RUN_STATUSES);
  return pools.strings;
}

/** LIKE patterns from the string pool with wildcards, never ending in a lone escape. */
function patternArbitrary(pools: FilterPools): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(pools.strings, fc.constantFrom("%", "_", "\\%", "\\_")), { maxLength: 3 })
    .map((parts) => parts.join(""))
    .filter((pattern) => !/(^|[^\\])(\\\\)*\\$/.test(pattern));
}

function predicateArbitrary(pools: FilterPools): fc.Arbitrary<FilterExpression> {
  return fieldArbitrary(pools).chain((field): fc.Arbitrary<FilterExpression> => {
    const options: fc.Arbitrary<FilterExpression>[] = [
      fc
        .tuple(fc.constantFrom(...OPERATORS), literalFor(field, pools))
        .map(([op, value]) => ({ type: "compare", field, op, value })),
      fc
        .tuple(fc.array(literalFor(field, pools), { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([values, negated]) => ({ type: "in", field, values, negated })),
      fc.boolean().map((negated) => ({ type: "null", field, negated })),
    ];
    const textual = !(
      field.kind === "metric" ||
      (field.kind === "attribute" && field.name.endsWith("_time"))
    );
    if (textual) {
      options.push(
        fc
          .tuple(patternArbitrary(pools), fc.boolean(), fc.boolean())
          .map(([pattern, caseInsensitive, negated]) => ({
            type: "like",
            field,
            pattern,
            caseInsensitive,
            negated,
          })),
      );
    }
    return fc.oneof(...options);
  });
}

/** Random filter trees up to a small depth, in the parser's normal form (flattened and/or). */
export function filterArbitrary(pools: FilterPools): fc.Arbitrary<FilterExpression> {
  const { tree } = fc.letrec<{ tree: FilterExpression }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      predicateArbitrary(pools),
      fc
        .array(tie("tree"), { minLength: 2, maxLength: 3 })
        .map((operands): FilterExpression => ({ type: "and", operands })),
      fc
        .array(tie("tree"), { minLength: 2, maxLength: 3 })
        .map((operands): FilterExpression => ({ type: "or", operands })),
      tie("tree").map((operand): FilterExpression => ({ type: "not", operand })),
    ),
  }));
  return tree;
}
