import { Table, type Vector } from "apache-arrow";
import type { FeatureValue } from "../definitions/logical-value.js";
import { FeatureError } from "../errors/feature-error.js";
import { latestValues } from "../offline/latest-values.js";
import { EVENT_TS_COLUMN, scanSource } from "../offline/scan-source.js";
import { serializeEntityKey } from "../online-store/entity-key.js";
import { valueAt, vectorOf } from "./arrow-values.js";
import { type FeaturesInput, resolveFeatures } from "./feature-resolution.js";
import { computeTransforms } from "./historical-features.js";
import { offlineSource, type StoreContext, scanColumns } from "./store-context.js";

/** Options of `store.getLatestFeatures`. */
export interface LatestFeaturesOptions {
  features: FeaturesInput;
  /** Only source rows with start <= event time < end count (Date or epoch ms; default: all). */
  start?: Date | number;
  end?: Date | number;
  fullFeatureNames?: boolean;
  signal?: AbortSignal;
}

/** Name of the event-time column in `getLatestFeatures` results: the latest event time over the views. */
export const LATEST_EVENT_TIME_COLUMN = "event_timestamp";

const ms = (value: Date | number) => (typeof value === "number" ? value : value.getTime());

/**
 * `store.getLatestFeatures`: the latest value of each feature for every entity of the sources (no
 * entity table), optionally within an event-time range. Every view read must have the same join keys;
 * entities missing from one view get nulls for its features. Transforms run on the result, with null
 * request fields.
 *
 * @throws FeatureError `FEATURE_ENTITY_ROWS_INVALID` when the views have different join keys.
 */
export async function latestFeatures(ctx: StoreContext, options: LatestFeaturesOptions): Promise<Table> {
  const snapshot = await ctx.snapshot();
  const resolved = resolveFeatures(
    snapshot,
    ctx.transforms,
    options.features,
    options.fullFeatureNames ? { fullFeatureNames: true } : {},
  );
  const keyTypes = resolved.views[0]!.spec.joinKeys;
  const keyNames = Object.keys(keyTypes);
  for (const view of resolved.views) {
    if (JSON.stringify(Object.keys(view.spec.joinKeys).sort()) !== JSON.stringify([...keyNames].sort())) {
      throw new FeatureError(
        "FEATURE_ENTITY_ROWS_INVALID",
        `getLatestFeatures reads views with different join keys (${keyNames.join(", ")} and ${Object.keys(view.spec.joinKeys).join(", ")}).`,
        {
          hint: "Read views of one entity per call, or use getHistoricalFeatures with an entity table.",
        },
      );
    }
  }
  const range = {
    ...(options.start !== undefined ? { start: ms(options.start) } : {}),
    ...(options.end !== undefined ? { end: ms(options.end) } : {}),
  };
  // Entities in order of first appearance across the views; per view, the row of each entity.
  const entities = new Map<
    string,
    { keys: (FeatureValue | null)[]; rows: (number | undefined)[]; time: number }
  >();
  const tables: Table[] = [];
  for (const [v, { spec, features }] of resolved.views.entries()) {
    const source = offlineSource(spec);
    const table = await latestValues({
      joinKeys: keyNames,
      keyTypes,
      hasCreatedTimestamp: source.createdTimestampField !== null,
      features: features.map((f) => ({ column: f.name, outputName: f.name, type: f.type })),
      ...range,
      batches: () =>
        scanSource({
          store: ctx.blobs,
          path: source.path,
          timestampField: source.timestampField,
          ...(source.createdTimestampField ? { createdTimestampField: source.createdTimestampField } : {}),
          fieldMapping: source.fieldMapping,
          columns: scanColumns(spec, features),
          ...range,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    tables.push(table);
    const keyColumns = keyNames.map((k) => table.getChild(k)!);
    const eventTs = table.getChild(EVENT_TS_COLUMN)!;
    for (let i = 0; i < table.numRows; i++) {
      const keys = keyColumns.map((c) => valueAt(c, i));
      const id = serializeEntityKey(
        Object.fromEntries(keyNames.map((k, j) => [k, keys[j]])) as never,
        keyTypes,
      );
      const time = valueAt(eventTs, i) as number;
      let entity = entities.get(id);
      if (!entity) {
        entity = { keys, rows: resolved.views.map(() => undefined), time };
        entities.set(id, entity);
      }
      entity.rows[v] = i;
      entity.time = Math.max(entity.time, time);
    }
  }
  const list = [...entities.values()];
  const columns: Record<string, Vector> = {};
  keyNames.forEach((k, j) => {
    columns[k] = vectorOf(
      keyTypes[k]!,
      list.map((e) => e.keys[j] ?? null),
    );
  });
  columns[LATEST_EVENT_TIME_COLUMN] = vectorOf(
    "timestamp",
    list.map((e) => e.time),
  );
  const featureValue = (row: number, view: number, feature: string) => {
    const at = list[row]!.rows[view];
    return at === undefined ? null : valueAt(tables[view]!.getChild(feature)!, at);
  };
  const transformed = computeTransforms(resolved, list.length, featureValue, () => null);
  for (const output of resolved.outputs) {
    const source = output.source;
    columns[output.name] = vectorOf(
      output.type,
      list.map((_, row) =>
        source.kind === "view"
          ? featureValue(row, source.view, source.feature)
          : (transformed[source.transform]![row]![source.output] ?? null),
      ),
    );
  }
  return new Table(columns);
}
