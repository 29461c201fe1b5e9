/**
 * The syntax tree of a run filter (`params.lr < 0.01 and metrics.accuracy.max >= 0.9`). The parser
 * produces it, the SQL compiler and the printer consume it; it holds no source positions so that two
 * filters meaning the same thing compare equal.
 */

/** Run columns a filter can name directly. `experiment` is the experiment's name. */
export const RUN_ATTRIBUTES = [
  "status",
  "name",
  "start_time",
  "end_time",
  "experiment",
  "run_id",
  "parent_run_id",
] as const;

/** A run column a filter can name directly. */
export type RunAttribute = (typeof RUN_ATTRIBUTES)[number];

/** Which figure of a metric's summary to compare: `metrics.loss` means `last`. */
export const METRIC_AGGREGATES = ["last", "min", "max", "count"] as const;

/** Which figure of a metric's summary to compare. */
export type MetricAggregate = (typeof METRIC_AGGREGATES)[number];

/** What a predicate is about: a param, a metric figure, a tag, or a run attribute. */
export type FilterField =
  | { kind: "param"; key: string }
  | { kind: "metric"; key: string; aggregate: MetricAggregate }
  | { kind: "tag"; key: string }
  | { kind: "attribute"; name: RunAttribute };

/** A literal: numbers compare numerically, strings as text (times: ISO 8601 text or epoch ms). */
export type FilterLiteral = string | number;

/** The six comparison operators (`==` and `<>` are read as `=` and `!=`). */
export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** A parsed filter. `and`/`or` hold two or more operands, flattened (`a and b and c` is one node). */
export type FilterExpression =
  | { type: "and"; operands: FilterExpression[] }
  | { type: "or"; operands: FilterExpression[] }
  | { type: "not"; operand: FilterExpression }
  | { type: "compare"; field: FilterField; op: ComparisonOperator; value: FilterLiteral }
  | { type: "in"; field: FilterField; values: FilterLiteral[]; negated: boolean }
  | { type: "like"; field: FilterField; pattern: string; caseInsensitive: boolean; negated: boolean }
  | { type: "null"; field: FilterField; negated: boolean };

/** Fields whose values are numbers (metric figures) or instants (start/end time): no `like` on them. */
export function isNumericField(field: FilterField): boolean {
  return field.kind === "metric" || (field.kind === "attribute" && field.name.endsWith("_time"));
}

// An ISO date-time without a zone offset would be read in the host's zone by Date.parse; filters
// mean UTC everywhere, so such text gets a "Z".
const NO_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * The instant a `start_time`/`end_time` literal means, in epoch milliseconds: a number is taken as
 * epoch milliseconds, text as ISO 8601 (UTC when it has no offset). NaN for text that is no time.
 */
export function filterTimeMs(value: FilterLiteral): number {
  if (typeof value === "number") return value;
  return Date.parse(NO_ZONE.test(value) ? `${value}Z` : value);
}
