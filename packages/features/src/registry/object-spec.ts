import { createHash } from "node:crypto";
import type { LogicalScalarType, LogicalType } from "@ballast/core";
import type { Definition, DefinitionKind } from "../definitions/definition.js";
import type { EntityDefinition } from "../definitions/entity.js";
import { formatFeatureRef } from "../definitions/feature-ref.js";
import type { FeatureViewDefinition } from "../definitions/feature-view.js";
import { joinKeysOf } from "../definitions/feature-view.js";
import type { ParquetSourceDefinition, SourceDefinition } from "../definitions/sources.js";

/** A registered entity, as stored. */
export interface EntitySpec {
  name: string;
  joinKeys: Record<string, LogicalScalarType>;
  description: string | null;
}

/** A registered Parquet source, as stored. */
export interface ParquetSourceSpec {
  kind: "parquet-source";
  name: string;
  path: string;
  timestampField: string;
  createdTimestampField: string | null;
  fieldMapping: Record<string, string>;
  description: string | null;
}

/** A registered push source, as stored. */
export interface PushSourceSpec {
  kind: "push-source";
  name: string;
  batchSource: ParquetSourceSpec | null;
  description: string | null;
}

export type SourceSpec = ParquetSourceSpec | PushSourceSpec;

/** A registered feature view version: everything the store needs to read it, as plain data. */
export interface ViewSpec {
  name: string;
  version: number;
  entities: string[];
  /** The join keys of its entities (name → type), in entity order. */
  joinKeys: Record<string, LogicalScalarType>;
  features: { name: string; type: LogicalType }[];
  source: SourceSpec;
  lookbackMs: number | null;
  maxAgeMs: number | null;
  onlineExpiryMs: number | null;
  online: boolean;
  owner: string | null;
  tags: Record<string, string>;
  description: string | null;
}

/** A registered transform: its interface and the source text of its function (for change detection). */
export interface TransformSpec {
  name: string;
  inputs: string[];
  request: Record<string, LogicalScalarType>;
  outputs: { name: string; type: LogicalType }[];
  code: string;
  description: string | null;
}

/** A registered feature service version. */
export interface ServiceSpec {
  name: string;
  version: number;
  features: string[];
  description: string | null;
}

/** The spec of each kind. */
export interface SpecOfKind {
  entity: EntitySpec;
  "parquet-source": ParquetSourceSpec;
  "push-source": PushSourceSpec;
  "feature-view": ViewSpec;
  transform: TransformSpec;
  "feature-service": ServiceSpec;
}

/** One object as the registry holds it. */
export interface RegistryObject<K extends DefinitionKind = DefinitionKind> {
  kind: K;
  name: string;
  version: number;
  spec: SpecOfKind[K];
  digest: string;
}

export function parquetSourceSpec(source: ParquetSourceDefinition): ParquetSourceSpec {
  return {
    kind: "parquet-source",
    name: source.name,
    path: source.path,
    timestampField: source.timestampField,
    createdTimestampField: source.createdTimestampField ?? null,
    fieldMapping: { ...source.fieldMapping },
    description: source.description ?? null,
  };
}

export function sourceSpec(source: SourceDefinition): SourceSpec {
  if (source.kind === "parquet-source") return parquetSourceSpec(source);
  return {
    kind: "push-source",
    name: source.name,
    batchSource: source.batchSource ? parquetSourceSpec(source.batchSource) : null,
    description: source.description ?? null,
  };
}

function entitySpec(entity: EntityDefinition): EntitySpec {
  return { name: entity.name, joinKeys: { ...entity.joinKeys }, description: entity.description ?? null };
}

export function viewSpec(view: FeatureViewDefinition): ViewSpec {
  return {
    name: view.name,
    version: view.version,
    entities: view.entities.map((e) => e.name),
    joinKeys: joinKeysOf(view.entities),
    features: view.features.map((f) => ({ name: f.name, type: f.type })),
    source: sourceSpec(view.source),
    lookbackMs: view.lookbackMs ?? null,
    maxAgeMs: view.maxAgeMs ?? null,
    onlineExpiryMs: view.onlineExpiryMs ?? null,
    online: view.online,
    owner: view.owner ?? null,
    tags: { ...view.tags },
    description: view.description ?? null,
  };
}

/** JSON with object keys sorted, so equal specs give equal text and equal digests. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The registry form of a definition: its spec and the sha256 of the spec's canonical JSON. */
export function toRegistryObject(definition: Definition): RegistryObject {
  const make = <K extends DefinitionKind>(kind: K, version: number, spec: SpecOfKind[K]): RegistryObject => ({
    kind,
    name: definition.name,
    version,
    spec,
    digest: createHash("sha256").update(canonicalJson(spec)).digest("hex"),
  });
  switch (definition.kind) {
    case "entity":
      return make("entity", 1, entitySpec(definition));
    case "parquet-source":
      return make("parquet-source", 1, parquetSourceSpec(definition));
    case "push-source":
      return make("push-source", 1, sourceSpec(definition) as PushSourceSpec);
    case "feature-view":
      return make("feature-view", definition.version, viewSpec(definition));
    case "transform":
      return make("transform", 1, {
        name: definition.name,
        inputs: definition.inputs.map(formatFeatureRef),
        request: { ...definition.request },
        outputs: definition.outputs.map((o) => ({ name: o.name, type: o.type })),
        code: definition.transform.toString(),
        description: definition.description ?? null,
      });
    case "feature-service":
      return make("feature-service", definition.version, {
        name: definition.name,
        version: definition.version,
        features: [...definition.features],
        description: definition.description ?? null,
      });
  }
}

/** The online store namespace of a view version (`driver_stats__v2`). */
export function onlineNamespace(view: Pick<ViewSpec, "name" | "version">): string {
  return `${view.name}__v${view.version}`;
}
