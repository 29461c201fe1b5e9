import { BallastError } from "@ballast/core";
import { z } from "zod";

const metricStat = z.enum(["last", "min", "max"]);

const metricCondition = z.strictObject({
  metric: z.string().min(1),
  op: z.enum([">", ">=", "<", "<=", "==", "!="]),
  value: z.number().refine(Number.isFinite, "must be a finite number"),
  stat: metricStat.optional(),
});

const tagCondition = z.strictObject({
  tag: z.string().min(1),
  equals: z.string().optional(),
  on: z.enum(["version", "run"]).optional(),
});

const betterThanCurrentCondition = z.strictObject({
  metric: z.string().min(1),
  betterThanCurrent: z.enum(["higher", "lower"]),
  minDelta: z.number().nonnegative().refine(Number.isFinite, "must be a finite number").optional(),
  stat: metricStat.optional(),
});

/**
 * The shape of a promotion gate: a list of conditions, all of which must pass.
 *
 * - `{ metric, op, value, stat? }`: the version's run logged `metric` and its `stat` (`last` by
 *   default, or `min`/`max` over the run) compares with `value`.
 * - `{ tag, equals?, on? }`: the tag is present (and equals `equals` when given). `on: "version"` or
 *   `"run"` picks where to look; by default the version's tag wins and the run's tag is the fallback,
 *   since the version is the curated record.
 * - `{ metric, betterThanCurrent: "higher" | "lower", minDelta?, stat? }`: the version beats the one the
 *   alias points to now by more than zero and at least `minDelta`. Passes when the alias is unset or the
 *   current version has no value for the metric (there is nothing to beat).
 */
export const promotionGateSchema = z.array(
  z.union([metricCondition, tagCondition, betterThanCurrentCondition]),
);

/** One condition of a promotion gate; see {@link promotionGateSchema}. */
export type GateCondition = z.infer<typeof promotionGateSchema>[number];

/** The outcome of one condition, as returned by `promote` and stored in the audit trail. */
export interface GateResult {
  condition: GateCondition;
  passed: boolean;
  /** The value found (metric value or tag value), null when absent. */
  actual: number | string | null;
  /** What the condition asked for, readable: `">= 0.9"`, `"= \"true\""`, `"> 0.91 (v2)"`. */
  expected: string;
  message: string;
}

/** A run's summary of one metric (`tracking_metric_summaries`). */
export interface MetricSummary {
  last: number;
  min: number;
  max: number;
}

/** What a gate is evaluated against, loaded by the promotion in one pass. */
export interface GateFacts {
  candidate: {
    version: number;
    /** Metric summaries of the version's run by key; empty when it has no run. */
    metrics: ReadonlyMap<string, MetricSummary>;
    versionTags: Readonly<Record<string, string>>;
    runTags: Readonly<Record<string, string>>;
  };
  /** The version the alias points to now; undefined when the alias is unset. */
  current: { version: number; metrics: ReadonlyMap<string, MetricSummary> } | undefined;
}

/**
 * Validates a gate given by an untyped caller.
 *
 * @throws BallastError `GATE_INVALID` with zod's issues (path and message) in `details.issues`.
 */
export function parseGate(gate: unknown): GateCondition[] {
  const parsed = promotionGateSchema.safeParse(gate);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  throw new BallastError("GATE_INVALID", `Invalid promotion gate: ${z.prettifyError(parsed.error)}`, {
    hint: 'Each condition is { metric, op, value }, { tag, equals? } or { metric, betterThanCurrent: "higher" | "lower" }.',
    details: { issues },
  });
}

function compare(actual: number, op: z.infer<typeof metricCondition>["op"], value: number): boolean {
  switch (op) {
    case ">":
      return actual > value;
    case ">=":
      return actual >= value;
    case "<":
      return actual < value;
    case "<=":
      return actual <= value;
    case "==":
      return actual === value;
    case "!=":
      return actual !== value;
  }
}

function metricValue(
  metrics: ReadonlyMap<string, MetricSummary>,
  key: string,
  stat: "last" | "min" | "max" = "last",
): number | null {
  const summary = metrics.get(key);
  return summary === undefined ? null : summary[stat];
}

function statLabel(metric: string, stat: "last" | "min" | "max" | undefined): string {
  return stat === undefined || stat === "last" ? metric : `${stat}(${metric})`;
}

function evaluateOne(condition: GateCondition, facts: GateFacts): Omit<GateResult, "condition"> {
  const { candidate, current } = facts;
  if ("op" in condition) {
    const label = statLabel(condition.metric, condition.stat);
    const expected = `${condition.op} ${condition.value}`;
    const actual = metricValue(candidate.metrics, condition.metric, condition.stat);
    if (actual === null) {
      return { passed: false, actual, expected, message: `${label}: not logged by the version's run` };
    }
    const passed = compare(actual, condition.op, condition.value);
    return { passed, actual, expected, message: `${label} = ${actual}, needs ${expected}` };
  }
  if ("tag" in condition) {
    const expected = condition.equals === undefined ? "present" : `= ${JSON.stringify(condition.equals)}`;
    const actual =
      condition.on === "run"
        ? candidate.runTags[condition.tag]
        : condition.on === "version"
          ? candidate.versionTags[condition.tag]
          : (candidate.versionTags[condition.tag] ?? candidate.runTags[condition.tag]);
    const passed = actual !== undefined && (condition.equals === undefined || actual === condition.equals);
    const found = actual === undefined ? "absent" : JSON.stringify(actual);
    return {
      passed,
      actual: actual ?? null,
      expected,
      message: `tag ${condition.tag} is ${found}, needs ${expected}`,
    };
  }
  const label = statLabel(condition.metric, condition.stat);
  const minDelta = condition.minDelta ?? 0;
  const actual = metricValue(candidate.metrics, condition.metric, condition.stat);
  if (current === undefined) {
    return {
      passed: true,
      actual,
      expected: "any (alias unset)",
      message: `${label}: the alias is unset, nothing to beat`,
    };
  }
  const baseline = metricValue(current.metrics, condition.metric, condition.stat);
  const sign = condition.betterThanCurrent === "higher" ? ">" : "<";
  const bound = condition.betterThanCurrent === "higher" ? baseline! + minDelta : baseline! - minDelta;
  const expected =
    baseline === null
      ? `any (v${current.version} has no ${label})`
      : `${sign} ${minDelta > 0 ? `${bound} (v${current.version}: ${baseline}, minDelta ${minDelta})` : `${baseline} (v${current.version})`}`;
  if (actual === null) {
    return { passed: false, actual, expected, message: `${label}: not logged by the version's run` };
  }
  if (baseline === null) {
    return {
      passed: true,
      actual,
      expected,
      message: `${label}: v${current.version} has no value, nothing to beat`,
    };
  }
  const improvement = condition.betterThanCurrent === "higher" ? actual - baseline : baseline - actual;
  // Strictly better (a version never beats itself), and by at least minDelta.
  const passed = improvement > 0 && improvement >= minDelta;
  return {
    passed,
    actual,
    expected,
    message: `${label} = ${actual} vs ${baseline} on v${current.version} (${condition.betterThanCurrent} is better${minDelta > 0 ? `, by at least ${minDelta}` : ""})`,
  };
}

/**
 * Evaluates every condition (no short-circuit, so the caller sees all failures at once). Pure: the
 * promotion loads the facts under the model's row lock and calls this.
 *
 * @example evaluateGate([{ metric: "accuracy", op: ">=", value: 0.9 }], facts)[0].passed;
 */
export function evaluateGate(gate: readonly GateCondition[], facts: GateFacts): GateResult[] {
  return gate.map((condition) => ({ condition, ...evaluateOne(condition, facts) }));
}

/** The metric keys a gate reads, so the promotion loads only those summaries. */
export function gateMetrics(gate: readonly GateCondition[]): string[] {
  return [...new Set(gate.flatMap((condition) => ("metric" in condition ? [condition.metric] : [])))];
}
