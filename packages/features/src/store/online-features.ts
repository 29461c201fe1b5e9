import type { LogicalScalarType } from "@ballast/core";
import type { FeatureValue } from "../definitions/logical-value.js";
import { FeatureError } from "../errors/feature-error.js";
import { serializeEntityKey } from "../online-store/entity-key.js";
import type { OnlineReadRequest, OnlineValue } from "../online-store/types.js";
import { onlineNamespace } from "../registry/object-spec.js";
import type { EntityRow } from "./entity-table.js";
import {
  type FeaturesInput,
  type ResolvedFeatures,
  referencesOf,
  resolveFeatures,
} from "./feature-resolution.js";
import { computeTransforms } from "./historical-features.js";
import { htmlTable } from "./html-table.js";
import type { StoreContext } from "./store-context.js";

/** Status of one online value: found and fresh, absent (or expired), or older than the view's `maxAge`. */
export type OnlineValueStatus = "present" | "not_found" | "stale";

/** One online feature value of one entity. */
export interface OnlineFeatureValue {
  value: FeatureValue | null;
  /** Event time of the value (epoch ms); for a transform output the latest of its inputs; null when not found. */
  eventTime: number | null;
  status: OnlineValueStatus;
}

/** Options of `store.getOnlineFeatures`. */
export interface OnlineFeaturesOptions {
  /** One object per entity with the join keys of every requested view. */
  entities: readonly EntityRow[];
  features: FeaturesInput;
  /** Request data for transforms: one object for every entity, or one per entity (same order). */
  request?: EntityRow | readonly EntityRow[];
  fullFeatureNames?: boolean;
}

/** A resolved online read, cached per feature list and registry version. */
export interface OnlineReadPlan {
  registryVersion: number;
  resolved: ResolvedFeatures;
  /** Per view: its namespace, features, and join key types. */
  views: {
    namespace: string;
    features: OnlineReadRequest["features"];
    keyTypes: Record<string, LogicalScalarType>;
    maxAgeMs: number | null;
  }[];
}

/** The result of `getOnlineFeatures`: per entity, each requested feature with its value, event time and status. */
export class OnlineFeatures {
  /** Column names, in request order. */
  readonly names: readonly string[];
  readonly rows: readonly Readonly<Record<string, OnlineFeatureValue>>[];
  readonly entities: readonly EntityRow[];

  constructor(
    names: readonly string[],
    entities: readonly EntityRow[],
    rows: readonly Readonly<Record<string, OnlineFeatureValue>>[],
  ) {
    this.names = names;
    this.entities = entities;
    this.rows = rows;
  }

  /** Plain values per entity (`{ conv_rate: 0.5, ... }`), null where not found. */
  values(): Record<string, FeatureValue | null>[] {
    return this.rows.map((row) => Object.fromEntries(this.names.map((n) => [n, row[n]!.value])));
  }

  /** Escaped HTML table (first 50 entities), value and status per cell. */
  toHTML(): string {
    const keys = Object.keys(this.entities[0] ?? {});
    return htmlTable(
      [...keys, ...this.names],
      this.rows.map((row, i) => [
        ...keys.map((k) => this.entities[i]![k]),
        ...this.names.map((n) =>
          row[n]!.status === "present" ? row[n]!.value : `${String(row[n]!.value)} (${row[n]!.status})`,
        ),
      ]),
      { caption: `Online features of ${this.rows.length} entities` },
    );
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML() };
  }
}

/** Resolves a feature list for online reads: every view must be online. */
export function onlineReadPlan(snapshotVersion: number, resolved: ResolvedFeatures): OnlineReadPlan {
  return {
    registryVersion: snapshotVersion,
    resolved,
    views: resolved.views.map(({ spec }) => {
      if (!spec.online) {
        throw new FeatureError(
          "FEATURE_VIEW_NOT_ONLINE",
          `Feature view "${spec.name}" is not online (online: false).`,
          {
            hint: "Set online: true on the view and materialize it, or read it with getHistoricalFeatures.",
            details: { view: spec.name },
          },
        );
      }
      // Read every feature of the view: one stored entry per entity holds them all, and one plan then
      // serves any subset of the view's features.
      return {
        namespace: onlineNamespace(spec),
        features: spec.features,
        keyTypes: spec.joinKeys,
        maxAgeMs: spec.maxAgeMs,
      };
    }),
  };
}

/** `store.getOnlineFeatures`: see FeatureStore. */
export async function onlineFeatures(
  ctx: StoreContext,
  cache: Map<string, OnlineReadPlan>,
  options: OnlineFeaturesOptions,
): Promise<OnlineFeatures> {
  const snapshot = await ctx.snapshot();
  const cacheKey = `${options.fullFeatureNames ? "full|" : ""}${referencesOf(options.features).join(",")}`;
  let plan = cache.get(cacheKey);
  if (!plan || plan.registryVersion !== snapshot.version) {
    plan = onlineReadPlan(
      snapshot.version,
      resolveFeatures(
        snapshot,
        ctx.transforms,
        options.features,
        options.fullFeatureNames ? { fullFeatureNames: true } : {},
      ),
    );
    cache.set(cacheKey, plan);
  }
  const { resolved } = plan;
  const entities = options.entities;
  const online = await ctx.online();
  const requests: OnlineReadRequest[] = plan.views.map((view) => ({
    view: view.namespace,
    features: view.features,
    entityKeys: entities.map((row) => serializeEntityKey(row as Record<string, never>, view.keyTypes)),
  }));
  const results = entities.length === 0 ? plan.views.map(() => []) : await online.read(requests);
  const now = ctx.clock.now();
  const featureIndex = plan.views.map((view) => new Map(view.features.map((f, i) => [f.name, i])));
  const cell = (row: number, view: number, feature: string): OnlineFeatureValue => {
    const entry = results[view]?.[row];
    if (!entry) return { value: null, eventTime: null, status: "not_found" };
    const maxAge = plan!.views[view]!.maxAgeMs;
    const value = (entry.values[featureIndex[view]!.get(feature)!] ??
      null) as OnlineValue as FeatureValue | null;
    return {
      value,
      eventTime: entry.eventTime,
      status: maxAge !== null && now - entry.eventTime > maxAge ? "stale" : "present",
    };
  };
  const request = options.request;
  const requestValue = (row: number, field: string): FeatureValue | null => {
    // Request fields come from `request` when given, otherwise from the entity rows themselves.
    const source = Array.isArray(request)
      ? request[row]
      : ((request as EntityRow | undefined) ?? entities[row]);
    const value = source?.[field];
    return value instanceof Date ? value.getTime() : ((value ?? null) as FeatureValue | null);
  };
  const transformed = computeTransforms(
    resolved,
    entities.length,
    (row, view, feature) => cell(row, view, feature).value,
    requestValue,
  );
  const rows = entities.map((_, row) => {
    const out: Record<string, OnlineFeatureValue> = {};
    for (const output of resolved.outputs) {
      if (output.source.kind === "view") {
        out[output.name] = cell(row, output.source.view, output.source.feature);
        continue;
      }
      const inputs = resolved.transforms[output.source.transform]!.inputs.map((input) =>
        cell(row, input.view, input.feature),
      );
      const times = inputs.map((c) => c.eventTime).filter((t): t is number => t !== null);
      out[output.name] = {
        value: transformed[output.source.transform]![row]![output.source.output] ?? null,
        eventTime: times.length ? Math.max(...times) : null,
        status: inputs.some((c) => c.status === "not_found")
          ? "not_found"
          : inputs.some((c) => c.status === "stale")
            ? "stale"
            : "present",
      };
    }
    return out;
  });
  return new OnlineFeatures(
    resolved.outputs.map((o) => o.name),
    entities,
    rows,
  );
}
