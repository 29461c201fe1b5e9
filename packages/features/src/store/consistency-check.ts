import type { FeatureValue } from "../definitions/logical-value.js";
import { FeatureError } from "../errors/feature-error.js";
import { sameValue, valueAt } from "./arrow-values.js";
import type { EntityRow } from "./entity-table.js";
import { entityTableFromRows } from "./entity-table.js";
import { type FeaturesInput, referencesOf, resolveFeatures } from "./feature-resolution.js";
import { DEFAULT_TIMESTAMP_COLUMN, joinFeatures } from "./historical-features.js";
import { htmlTable } from "./html-table.js";
import { latestFeatures } from "./latest-features.js";
import { type OnlineReadPlan, onlineFeatures } from "./online-features.js";
import type { StoreContext } from "./store-context.js";

/** Options of `store.checkConsistency`. */
export interface ConsistencyCheckOptions {
  /**
   * The entities to compare: rows with join keys (and request fields for transforms), or a number
   * of entities to pick from the views' sources (evenly spread over all entities, deterministic).
   */
  sample: number | readonly EntityRow[];
  /** The time both sides are read at (Date or epoch ms; default now). Online values are read as stored. */
  at?: Date | number;
  /** Default: every feature of every online view, and every loaded transform without request fields. */
  features?: FeaturesInput;
  /** Examples kept per feature (default 5). */
  maxExamples?: number;
}

/** One disagreeing value. */
export interface SkewExample {
  entity: EntityRow;
  offline: FeatureValue | null;
  online: FeatureValue | null;
  onlineStatus: "present" | "not_found" | "stale";
  onlineEventTime: number | null;
}

/** The comparison of one feature. */
export interface FeatureSkew {
  feature: string;
  ref: string;
  compared: number;
  mismatches: number;
  examples: SkewExample[];
}

/** The result of `checkConsistency`: per feature, how many sampled entities disagree between online and offline. */
export class SkewReport {
  readonly at: number;
  readonly entities: number;
  readonly features: readonly FeatureSkew[];

  constructor(at: number, entities: number, features: readonly FeatureSkew[]) {
    this.at = at;
    this.entities = entities;
    this.features = features;
  }

  /** Mismatching values over all features. */
  get mismatches(): number {
    return this.features.reduce((sum, f) => sum + f.mismatches, 0);
  }

  /** True when any value disagrees. */
  get hasSkew(): boolean {
    return this.mismatches > 0;
  }

  toString(): string {
    const lines = this.features.map((f) => `${f.ref}: ${f.mismatches}/${f.compared} mismatches`);
    return `Skew report at ${new Date(this.at).toISOString()} over ${this.entities} entities: ${this.mismatches} mismatches\n${lines.join("\n")}`;
  }

  toHTML(): string {
    return htmlTable(
      ["feature", "compared", "mismatches", "first example (offline / online / status)"],
      this.features.map((f) => {
        const e = f.examples[0];
        return [
          f.ref,
          f.compared,
          f.mismatches,
          e ? `${String(e.offline)} / ${String(e.online)} / ${e.onlineStatus}` : "",
        ];
      }),
      {
        caption: `Training/serving skew at ${new Date(this.at).toISOString()}: ${this.mismatches} mismatches over ${this.entities} entities`,
      },
    );
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML(), "text/plain": this.toString() };
  }
}

async function defaultFeatures(ctx: StoreContext): Promise<string[]> {
  const snapshot = await ctx.snapshot();
  const refs: string[] = [];
  const online = snapshot.active("feature-view").filter((v) => v.spec.online);
  for (const view of online) for (const f of view.spec.features) refs.push(`${view.name}:${f.name}`);
  const onlineNames = new Set(online.map((v) => v.name));
  for (const [name, t] of ctx.transforms) {
    if (
      Object.keys(t.request).length === 0 &&
      t.inputs.every((i) => onlineNames.has(i.view) && i.version === undefined)
    ) {
      for (const o of t.outputs) refs.push(`${name}:${o.name}`);
    }
  }
  return refs;
}

/**
 * `store.checkConsistency`: reads the sampled entities both ways, the point-in-time join at `at`
 * and the online store, transforms included, and compares value by value (exactly; NaN equals NaN;
 * not found online counts as null).
 */
export async function checkConsistency(
  ctx: StoreContext,
  cache: Map<string, OnlineReadPlan>,
  options: ConsistencyCheckOptions,
): Promise<SkewReport> {
  const at =
    options.at === undefined
      ? ctx.clock.now()
      : typeof options.at === "number"
        ? options.at
        : options.at.getTime();
  const features = options.features ?? (await defaultFeatures(ctx));
  if (referencesOf(features).length === 0) {
    throw new FeatureError(
      "FEATURE_VIEW_NOT_ONLINE",
      "checkConsistency found no online feature to compare.",
      {
        hint: "Register an online feature view (online: true) or pass features.",
      },
    );
  }
  const snapshot = await ctx.snapshot();
  const resolved = resolveFeatures(snapshot, ctx.transforms, features);
  let sample: EntityRow[];
  if (typeof options.sample === "number") {
    const keyNames = [...new Set(resolved.views.flatMap((v) => Object.keys(v.spec.joinKeys)))];
    const all = await latestFeatures(ctx, {
      features: resolved.views.map((v) => `${v.spec.name}@${v.spec.version}:${v.features[0]!.name}`),
      end: at + 1,
    });
    const n = Math.min(options.sample, all.numRows);
    const columns = keyNames.map((k) => all.getChild(k)!);
    sample = Array.from({ length: n }, (_, i) => {
      const row = Math.floor((i * all.numRows) / n);
      return Object.fromEntries(keyNames.map((k, j) => [k, valueAt(columns[j]!, row)]));
    });
  } else {
    sample = [...options.sample];
  }
  const maxExamples = options.maxExamples ?? 5;
  const report = resolved.outputs.map((o) => ({
    feature: o.name,
    ref: o.ref,
    compared: 0,
    mismatches: 0,
    examples: [] as SkewExample[],
  }));
  if (sample.length === 0) return new SkewReport(at, 0, report);

  const entityTable = entityTableFromRows(
    sample.map((row) => ({ ...row, [DEFAULT_TIMESTAMP_COLUMN]: at })),
    {
      keys: Object.assign({}, ...resolved.views.map((v) => v.spec.joinKeys)),
      optional: resolved.request,
      timestampColumn: DEFAULT_TIMESTAMP_COLUMN,
    },
  );
  const offline = await joinFeatures(ctx, resolved, entityTable, {
    timestampColumn: DEFAULT_TIMESTAMP_COLUMN,
  });
  const online = await onlineFeatures(ctx, cache, { entities: sample, features });
  for (const [f, output] of resolved.outputs.entries()) {
    const column = offline.getChild(output.name)!;
    const entry = report[f]!;
    for (let i = 0; i < sample.length; i++) {
      const expected = valueAt(column, i);
      const actual = online.rows[i]![output.name]!;
      entry.compared += 1;
      if (sameValue(expected, actual.value)) continue;
      entry.mismatches += 1;
      if (entry.examples.length < maxExamples) {
        entry.examples.push({
          entity: sample[i]!,
          offline: expected,
          online: actual.value,
          onlineStatus: actual.status,
          onlineEventTime: actual.eventTime,
        });
      }
    }
  }
  return new SkewReport(at, sample.length, report);
}
