import { RUN_STATUSES } from "../run/run-status.js";
import {
  type ComparisonOperator,
  type FilterExpression,
  type FilterField,
  type FilterLiteral,
  filterTimeMs,
  isNumericField,
  METRIC_AGGREGATES,
  type MetricAggregate,
  RUN_ATTRIBUTES,
  type RunAttribute,
} from "./filter-ast.js";
import { filterError } from "./filter-error.js";
import { type FilterToken, tokenizeFilter } from "./filter-tokenizer.js";

const FIELD_PREFIXES: Record<string, "param" | "metric" | "tag"> = {
  params: "param",
  param: "param",
  metrics: "metric",
  metric: "metric",
  tags: "tag",
  tag: "tag",
};

function describe(token: FilterToken): string {
  switch (token.kind) {
    case "end":
      return "the end of the filter";
    case "number":
      return `the number ${token.value}`;
    case "string":
      return `the string ${JSON.stringify(token.text)}`;
    case "quoted-key":
      return `\`${token.text}\``;
    default:
      return `"${token.text}"`;
  }
}

/** A direction of an `orderBy` entry. */
export type SortDirection = "asc" | "desc";

/** One parsed `orderBy` entry: `metrics.accuracy DESC`. */
export interface SortKey {
  field: FilterField;
  direction: SortDirection;
}

/**
 * Recursive descent over the token list, one method per grammar rule, lowest precedence first:
 *
 * ```
 * filter    := or
 * or        := and ("or" and)*
 * and       := not ("and" not)*
 * not       := "not" not | primary
 * primary   := "(" or ")" | predicate
 * predicate := field ( op value | ["not"] "in" "(" value ("," value)* ")"
 *                    | ["not"] ("like" | "ilike") string | "is" ["not"] "null" )
 * field     := ("params" | "tags") "." key | "metrics" "." key ["." aggregate] | attribute
 * key       := word | `quoted` | "quoted"
 * ```
 *
 * Types are checked here rather than in the compiler so that every mistake gets a caret.
 */
class FilterParser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: FilterToken[],
    private readonly code: "FILTER_INVALID" | "ORDER_BY_INVALID" = "FILTER_INVALID",
  ) {}

  private peek(): FilterToken {
    return this.tokens[this.index]!;
  }

  private next(): FilterToken {
    const token = this.tokens[this.index]!;
    if (token.kind !== "end") this.index++;
    return token;
  }

  private fail(token: FilterToken, expected: string): never {
    throw filterError(this.source, token.start, `expected ${expected}, found ${describe(token)}`, this.code);
  }

  /** True (and consumed) when the next token is the keyword `word`, in any case. */
  private keyword(word: string): boolean {
    const token = this.peek();
    if (token.kind === "word" && token.text.toLowerCase() === word) {
      this.index++;
      return true;
    }
    return false;
  }

  private punct(text: "(" | ")" | "," | "."): boolean {
    const token = this.peek();
    if (token.kind === "punct" && token.text === text) {
      this.index++;
      return true;
    }
    return false;
  }

  parseFilter(): FilterExpression {
    if (this.peek().kind === "end") this.fail(this.peek(), "a condition such as params.lr < 0.01");
    const expression = this.or();
    const rest = this.peek();
    if (rest.kind !== "end") this.fail(rest, '"and", "or" or the end of the filter');
    return expression;
  }

  parseSortKey(): SortKey {
    const field = this.field();
    let direction: SortDirection = "asc";
    if (this.keyword("desc")) direction = "desc";
    else this.keyword("asc");
    const rest = this.peek();
    if (rest.kind !== "end") this.fail(rest, '"ASC", "DESC" or the end');
    return { field, direction };
  }

  private or(): FilterExpression {
    const operands = [this.and()];
    while (this.keyword("or")) operands.push(this.and());
    return operands.length === 1 ? operands[0]! : { type: "or", operands };
  }

  private and(): FilterExpression {
    const operands = [this.not()];
    while (this.keyword("and")) operands.push(this.not());
    return operands.length === 1 ? operands[0]! : { type: "and", operands };
  }

  private not(): FilterExpression {
    if (this.keyword("not")) return { type: "not", operand: this.not() };
    return this.primary();
  }

  private primary(): FilterExpression {
    if (this.punct("(")) {
      const inner = this.or();
      if (!this.punct(")")) this.fail(this.peek(), '"and", "or" or a closing ")"');
      return inner;
    }
    return this.predicate();
  }

  private key(prefix: string): string {
    const token = this.next();
    if (token.kind === "word" || token.kind === "quoted-key" || token.kind === "string") {
      if (token.text === "")
        throw filterError(this.source, token.start, `the ${prefix} key is empty`, this.code);
      return token.text;
    }
    return this.fail(token, `a ${prefix} key (a name, or a \`quoted\` key)`);
  }

  private field(): FilterField {
    const token = this.peek();
    if (token.kind !== "word") {
      return this.fail(
        token,
        "a field: params.<key>, metrics.<key>, tags.<key> or a run attribute such as status",
      );
    }
    const lower = token.text.toLowerCase();
    const prefix = FIELD_PREFIXES[lower];
    this.index++;
    if (prefix) {
      if (!this.punct(".")) this.fail(this.peek(), `"." and a key after ${lower}`);
      const key = this.key(prefix);
      if (prefix !== "metric") return { kind: prefix, key };
      let aggregate: MetricAggregate = "last";
      if (this.punct(".")) {
        const agg = this.next();
        const name = agg.kind === "word" ? agg.text.toLowerCase() : "";
        if (!(METRIC_AGGREGATES as readonly string[]).includes(name)) {
          this.fail(
            agg,
            "min, max, last or count after the metric key (quote keys holding dots: metrics.`a.b`)",
          );
        }
        aggregate = name as MetricAggregate;
      }
      return { kind: "metric", key, aggregate };
    }
    if ((RUN_ATTRIBUTES as readonly string[]).includes(lower))
      return { kind: "attribute", name: lower as RunAttribute };
    return this.fail(
      token,
      `a field: params.<key>, metrics.<key>[.min|.max|.last|.count], tags.<key> or one of ${RUN_ATTRIBUTES.join(", ")}`,
    );
  }

  private predicate(): FilterExpression {
    const field = this.field();
    const token = this.peek();
    if (token.kind === "operator") {
      this.index++;
      return { type: "compare", field, op: token.text as ComparisonOperator, value: this.literal(field) };
    }
    if (this.keyword("is")) {
      const negated = this.keyword("not");
      if (!this.keyword("null")) this.fail(this.peek(), negated ? '"null"' : '"null" or "not null"');
      return { type: "null", field, negated };
    }
    const negated = this.keyword("not");
    if (this.keyword("in")) {
      if (!this.punct("(")) this.fail(this.peek(), '"(" to open the list of values');
      const values = [this.literal(field)];
      while (this.punct(",")) values.push(this.literal(field));
      if (!this.punct(")")) this.fail(this.peek(), '"," or ")" to close the list of values');
      return { type: "in", field, values, negated };
    }
    const likeToken = this.peek();
    const caseInsensitive = this.keyword("ilike");
    if (caseInsensitive || this.keyword("like")) {
      if (isNumericField(field)) {
        throw filterError(
          this.source,
          likeToken.start,
          "like and ilike apply to text, not to metrics or times",
          this.code,
        );
      }
      const pattern = this.next();
      if (pattern.kind !== "string") this.fail(pattern, 'a quoted pattern such as "resnet%"');
      // PostgreSQL rejects a pattern ending in its escape character; say so here, with a caret.
      if (/(^|[^\\])(\\\\)*\\$/.test(pattern.text)) {
        throw filterError(
          this.source,
          pattern.start,
          "the pattern ends with a lone backslash; write \\\\ for a literal one",
          this.code,
        );
      }
      return { type: "like", field, pattern: pattern.text, caseInsensitive, negated };
    }
    return this.fail(
      this.peek(),
      negated
        ? '"in", "like" or "ilike" after "not"'
        : "an operator (=, !=, <, <=, >, >=, in, not in, like, ilike, is null)",
    );
  }

  /** A value for `field`, checked against what the field holds. */
  private literal(field: FilterField): FilterLiteral {
    const token = this.next();
    if (token.kind !== "number" && token.kind !== "string") {
      return this.fail(token, "a value (a number or a quoted string)");
    }
    const value = token.kind === "number" ? token.value : token.text;
    const problem = literalProblem(field, value);
    if (problem) throw filterError(this.source, token.start, problem, this.code);
    return value;
  }
}

/** Why `value` cannot be compared with `field`, or undefined when it can. */
function literalProblem(field: FilterField, value: FilterLiteral): string | undefined {
  if (!Number.isFinite(value) && typeof value === "number") return "numbers must be finite";
  switch (field.kind) {
    case "param":
      return undefined;
    case "metric":
      return typeof value === "number" ? undefined : "metrics compare with numbers; remove the quotes";
    case "tag":
      return typeof value === "string" ? undefined : "tags hold text; quote the value";
    case "attribute":
      if (field.name === "start_time" || field.name === "end_time") {
        if (typeof value === "number") return undefined;
        return Number.isNaN(filterTimeMs(value))
          ? `${field.name} compares with epoch milliseconds or an ISO 8601 time such as "2025-01-31T12:00:00Z"`
          : undefined;
      }
      if (typeof value !== "string") return `${field.name} holds text; quote the value`;
      if (field.name === "status" && !(RUN_STATUSES as readonly string[]).includes(value)) {
        return `status is one of ${RUN_STATUSES.map((s) => `"${s}"`).join(", ")}`;
      }
      return undefined;
  }
}

/**
 * Parses a run filter into its syntax tree.
 *
 * Precedence, highest first: comparisons, `not`, `and`, `or`; parentheses group. Keywords and field
 * prefixes are case-insensitive. Keys with characters other than letters, digits and `_` are quoted
 * with backticks or double quotes (`params.\`learning-rate\``). Numbers compare with params
 * numerically, strings as text; metrics take numbers; `start_time`/`end_time` take epoch
 * milliseconds or ISO 8601 text; `status` takes one of the four statuses.
 *
 * @throws BallastError `FILTER_INVALID` for any syntax or type mistake; its message shows the filter
 *   with a caret under the mistake and says what was expected there (`details.position` is the offset).
 * @example
 * parseFilter('params.lr < 0.01 and (metrics.accuracy.max >= 0.9 or tags.team = "ml")');
 */
export function parseFilter(filter: string): FilterExpression {
  return new FilterParser(filter, tokenizeFilter(filter)).parseFilter();
}

/**
 * Parses one `orderBy` entry: a field as in filters, then `ASC` (the default) or `DESC`.
 *
 * @throws BallastError `ORDER_BY_INVALID` with a caret under the mistake.
 * @example
 * parseSortKey("metrics.accuracy DESC"); // { field: { kind: "metric", key: "accuracy", aggregate: "last" }, direction: "desc" }
 */
export function parseSortKey(entry: string): SortKey {
  let tokens: FilterToken[];
  try {
    tokens = tokenizeFilter(entry);
  } catch (error) {
    const details = (error as { details?: { position?: number; problem?: string } }).details;
    throw filterError(entry, details?.position ?? 0, details?.problem ?? "invalid text", "ORDER_BY_INVALID");
  }
  return new FilterParser(entry, tokens, "ORDER_BY_INVALID").parseSortKey();
}
