import {
  BallastError,
  type Duration,
  type LogicalScalarType,
  type LogicalType,
  type LogicalTypeInput,
  logicalTypeSchema,
  parseDuration,
} from "@ballast/core";
import { z } from "zod";
import { type DefinitionIssue, FeatureDefinitionError } from "../errors/feature-definition-error.js";
import type { EntityDefinition } from "./entity.js";
import type { LogicalValue } from "./logical-value.js";
import { definitionNameSchema } from "./naming.js";
import type { SourceDefinition } from "./sources.js";

/** A feature schema as written: feature name → logical type. */
export type FeatureSchemaInput = Readonly<Record<string, LogicalTypeInput>>;

/** The JS values of one row of a schema (every feature nullable). */
export type FeatureValues<S extends FeatureSchemaInput> = { [K in keyof S]: LogicalValue<S[K]> | null };

/** What {@link defineFeatureView} takes. */
export interface FeatureViewInput<S extends FeatureSchemaInput> {
  name: string;
  /** The entities the view describes; their join keys must be columns of the source. */
  entities: readonly EntityDefinition[];
  /** Feature name → logical type, e.g. `{ conv_rate: "float32", trips_today: "int64" }`. */
  schema: S;
  source: SourceDefinition;
  /**
   * Training lookback: the point-in-time join ignores source rows older than `T - lookback` for an
   * entity row at `T` (null instead). Unset: no limit.
   */
  lookback?: Duration;
  /**
   * Online freshness: `getOnlineFeatures` reports a value whose event time is older than `now - maxAge`
   * as `stale` (the value is still returned). Unset: never stale.
   */
  maxAge?: Duration;
  /** Online store expiry: the store drops an entry this long after it was written. Unset: never. */
  onlineExpiry?: Duration;
  /** Materialize into the online store (default true). */
  online?: boolean;
  owner?: string;
  tags?: Readonly<Record<string, string>>;
  description?: string;
  /**
   * The view's version (default 1). Changing a feature's type, removing a feature, or changing the
   * entities needs a new version; every version stays readable as `name@version:feature`.
   */
  version?: number;
}

/** One feature of a view. */
export interface FeatureField {
  readonly name: string;
  readonly type: LogicalType;
}

/** A feature view: typed features of some entities, read from one source. */
export interface FeatureViewDefinition<S extends FeatureSchemaInput = FeatureSchemaInput> {
  readonly kind: "feature-view";
  readonly name: string;
  readonly version: number;
  readonly entities: readonly EntityDefinition[];
  /** The features in schema order. */
  readonly features: readonly FeatureField[];
  readonly source: SourceDefinition;
  readonly lookbackMs: number | undefined;
  readonly maxAgeMs: number | undefined;
  readonly onlineExpiryMs: number | undefined;
  readonly online: boolean;
  readonly owner: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string | undefined;
  /** The `view:feature` reference of one feature, checked against the schema by the compiler. */
  ref(feature: keyof S & string): string;
  /** Type-level only: the JS values of one row (`typeof view.$values`). Undefined at run time. */
  readonly $values?: FeatureValues<S>;
}

const viewInputSchema = z.strictObject({
  name: definitionNameSchema,
  entities: z
    .array(
      z.custom<EntityDefinition>(
        (value) => (value as EntityDefinition | null)?.kind === "entity",
        "an entity from defineEntity",
      ),
    )
    .min(1, "a feature view needs at least one entity"),
  schema: z
    .record(definitionNameSchema, logicalTypeSchema)
    .refine((schema) => Object.keys(schema).length > 0, "a feature view needs at least one feature"),
  source: z.custom<SourceDefinition>(
    (value) => ["parquet-source", "push-source"].includes((value as SourceDefinition | null)?.kind as string),
    "a parquetSource(...) or pushSource(...)",
  ),
  lookback: z.union([z.number(), z.string()]).optional(),
  maxAge: z.union([z.number(), z.string()]).optional(),
  onlineExpiry: z.union([z.number(), z.string()]).optional(),
  online: z.boolean().default(true),
  owner: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  description: z.string().optional(),
  version: z.number().int().positive().default(1),
});

const HINT =
  'Write defineFeatureView({ name: "driver_stats", entities: [driver], schema: { conv_rate: "float32" }, source, lookback: "7d", maxAge: "1h" }).';

/**
 * The join keys of a list of entities, by name, in first-seen order.
 *
 * @throws FeatureDefinitionError when two entities declare the same join key with different types.
 */
export function joinKeysOf(
  entities: readonly EntityDefinition[],
  where = "entities",
): Record<string, LogicalScalarType> {
  const keys: Record<string, LogicalScalarType> = {};
  for (const entity of entities) {
    for (const [key, type] of Object.entries(entity.joinKeys)) {
      const seen = keys[key];
      if (seen !== undefined && seen !== type) {
        throw new FeatureDefinitionError(
          where,
          [{ path: key, problem: `join key typed ${seen} and ${type} by two entities` }],
          "Give a shared join key one type in every entity.",
        );
      }
      keys[key] = type;
    }
  }
  return keys;
}

function duration(value: Duration | undefined, path: string, issues: DefinitionIssue[]): number | undefined {
  if (value === undefined) return undefined;
  try {
    const ms = parseDuration(value);
    if (ms <= 0) issues.push({ path, problem: "must be longer than 0 (leave it unset for no limit)" });
    return ms;
  } catch (error) {
    if (!BallastError.isInstance(error, "DURATION_INVALID")) throw error;
    issues.push({
      path,
      problem: `${JSON.stringify(value)} is not a duration ("15m", "1d", "1h30m" or milliseconds)`,
    });
    return undefined;
  }
}

/**
 * Defines a feature view. Three separate time settings, each optional: `lookback` (training),
 * `maxAge` (online freshness, checked on read), `onlineExpiry` (the online store's entry TTL); see
 * docs/features.md for the picture.
 *
 * @throws FeatureDefinitionError `FEATURE_DEFINITION_INVALID` for a bad name, an empty schema, an unknown
 *   type, a bad duration, or a feature named like a join key.
 * @example
 * const stats = defineFeatureView({
 *   name: "driver_stats", entities: [driver], source: trips,
 *   schema: { conv_rate: "float32", trips_today: "int64" }, lookback: "7d", maxAge: "2h", onlineExpiry: "1d",
 * });
 * stats.ref("conv_rate") // "driver_stats:conv_rate"
 */
export function defineFeatureView<const S extends FeatureSchemaInput>(
  input: FeatureViewInput<S>,
): FeatureViewDefinition<S> {
  const label = `feature view ${JSON.stringify((input as { name?: unknown })?.name)}`;
  const parsed = viewInputSchema.safeParse(input);
  if (!parsed.success) throw FeatureDefinitionError.fromZod(label, parsed.error, HINT);
  const data = parsed.data;
  const issues: DefinitionIssue[] = [];
  const lookbackMs = duration(data.lookback, "lookback", issues);
  const maxAgeMs = duration(data.maxAge, "maxAge", issues);
  const onlineExpiryMs = duration(data.onlineExpiry, "onlineExpiry", issues);
  const joinKeys = joinKeysOf(data.entities, label);
  const features = Object.entries(data.schema).map(([name, type]) => Object.freeze({ name, type }));
  for (const feature of features) {
    if (feature.name in joinKeys)
      issues.push({ path: `schema.${feature.name}`, problem: "is also a join key of the view's entities" });
  }
  if (issues.length > 0) throw new FeatureDefinitionError(label, issues, HINT);
  const names = new Set(features.map((f) => f.name));
  const view: FeatureViewDefinition<S> = {
    kind: "feature-view",
    name: data.name,
    version: data.version,
    entities: Object.freeze([...data.entities]),
    features: Object.freeze(features),
    source: data.source,
    lookbackMs,
    maxAgeMs,
    onlineExpiryMs,
    online: data.online,
    owner: data.owner,
    tags: Object.freeze({ ...data.tags }),
    description: data.description,
    ref(feature) {
      if (!names.has(feature)) {
        throw new FeatureDefinitionError(
          label,
          [{ path: feature, problem: "is not a feature of this view" }],
          HINT,
        );
      }
      return `${data.name}:${feature}`;
    },
  };
  return Object.freeze(view);
}
