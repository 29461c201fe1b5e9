import type { LogicalScalarType, LogicalType } from "@ballast/core";
import { closestMatch } from "../definitions/closest-match.js";
import { type FeatureRef, formatFeatureRef, parseFeatureRef } from "../definitions/feature-ref.js";
import type { FeatureServiceDefinition } from "../definitions/feature-service.js";
import type { TransformDefinition } from "../definitions/transform.js";
import { FeatureError } from "../errors/feature-error.js";
import { FeatureNotFoundError } from "../errors/feature-not-found-error.js";
import type { ViewSpec } from "../registry/object-spec.js";
import type { RegistrySnapshot } from "../registry/registry-snapshot.js";

/** Which features to read: a feature service, or `view:feature` references. */
export type FeaturesInput = FeatureServiceDefinition | readonly string[];

/** One view a read touches, with the features it must read (requested ones and transform inputs). */
export interface ResolvedView {
  spec: ViewSpec;
  features: { name: string; type: LogicalType }[];
}

/** One transform a read runs. */
export interface ResolvedTransform {
  definition: TransformDefinition;
  /** For each input: its view index in `views` and feature name. */
  inputs: { name: string; view: number; feature: string }[];
}

/** One output column of a read, in request order. */
export interface ResolvedOutput {
  ref: string;
  /** Column name in results (`feature`, or `view__feature` with full names). */
  name: string;
  type: LogicalType;
  source:
    | { kind: "view"; view: number; feature: string }
    | { kind: "transform"; transform: number; output: number };
}

/** A feature list resolved against one registry snapshot: what to read and how to assemble it. */
export interface ResolvedFeatures {
  views: ResolvedView[];
  transforms: ResolvedTransform[];
  outputs: ResolvedOutput[];
  /** Request fields the transforms need, by name. */
  request: Record<string, LogicalScalarType>;
}

/** Internal column name of a view feature in joined tables, unique across views and versions. */
export function internalColumn(view: Pick<ViewSpec, "name" | "version">, feature: string): string {
  return `__f__${view.name}__v${view.version}__${feature}`;
}

function knownReferences(
  snapshot: RegistrySnapshot,
  transforms: ReadonlyMap<string, TransformDefinition>,
): string[] {
  const known: string[] = [];
  for (const view of snapshot.active("feature-view"))
    for (const f of view.spec.features) known.push(`${view.name}:${f.name}`);
  for (const t of snapshot.active("transform"))
    for (const o of t.spec.outputs) known.push(`${t.name}:${o.name}`);
  for (const [name, t] of transforms) {
    if (!snapshot.transform(name)) for (const o of t.outputs) known.push(`${name}:${o.name}`);
  }
  return known;
}

/**
 * Resolves a feature list into the views, transforms and output columns of a read.
 *
 * @throws FeatureNotFoundError `FEATURE_NOT_FOUND` naming the closest registered reference;
 *   FeatureError `FEATURE_REF_INVALID`, `FEATURE_NAME_COLLISION` (two outputs with one column name,
 *   use `fullFeatureNames`), `FEATURE_TRANSFORM_NOT_LOADED` (a registered transform whose function is
 *   not in this process, or differs from the registered one).
 */
export function resolveFeatures(
  snapshot: RegistrySnapshot,
  transforms: ReadonlyMap<string, TransformDefinition>,
  input: FeaturesInput,
  options: { fullFeatureNames?: boolean } = {},
): ResolvedFeatures {
  const references = isService(input) ? input.features : input;
  if (!Array.isArray(references) || references.length === 0) {
    throw new FeatureError("FEATURE_REF_INVALID", "No features were requested.", {
      hint: 'Pass features: ["view:feature", ...] or a feature service.',
    });
  }
  const views: ResolvedView[] = [];
  const viewIndex = new Map<string, number>();
  const transformsOut: ResolvedTransform[] = [];
  const transformIndex = new Map<string, number>();
  const outputs: ResolvedOutput[] = [];
  const request: Record<string, LogicalScalarType> = {};
  let known: string[] | undefined;
  const notFound = (reference: string, kind: "feature" = "feature") => {
    known ??= knownReferences(snapshot, transforms);
    return new FeatureNotFoundError(kind, reference, closestMatch(reference, known), known.length);
  };

  const useView = (ref: FeatureRef, reference: string): { index: number; type: LogicalType } | undefined => {
    const spec = snapshot.view(ref.view, ref.version);
    if (!spec) return undefined;
    const feature = spec.features.find((f) => f.name === ref.feature);
    if (!feature) throw notFound(reference);
    const key = `${spec.name}@${spec.version}`;
    let index = viewIndex.get(key);
    if (index === undefined) {
      index = views.length;
      views.push({ spec, features: [] });
      viewIndex.set(key, index);
    }
    const view = views[index]!;
    if (!view.features.some((f) => f.name === feature.name)) view.features.push(feature);
    return { index, type: feature.type };
  };

  const useTransform = (name: string): number | undefined => {
    const existing = transformIndex.get(name);
    if (existing !== undefined) return existing;
    const spec = snapshot.transform(name);
    const definition = transforms.get(name);
    if (!spec && !definition) return undefined;
    if (!definition || (spec && spec.code !== definition.transform.toString())) {
      throw new FeatureError(
        "FEATURE_TRANSFORM_NOT_LOADED",
        `Transform "${name}" is registered, but ${definition ? "the function in this process differs from the registered one" : "its function is not loaded in this process"}.`,
        {
          hint: "Pass the transform to openFeatureStore({ definitions }) or store.apply(definitions), so offline and online reads run the same registered code.",
          details: { transform: name },
        },
      );
    }
    const inputs = definition.inputs.map((input) => {
      const reference = formatFeatureRef(input);
      const used = useView(input, reference);
      if (!used) throw notFound(reference);
      return { name: input.feature, view: used.index, feature: input.feature };
    });
    for (const [field, type] of Object.entries(definition.request)) {
      if (request[field] !== undefined && request[field] !== type) {
        throw new FeatureError(
          "FEATURE_NAME_COLLISION",
          `Request field "${field}" is typed ${request[field]} and ${type} by two transforms.`,
          {
            hint: "Give the request field one type in every transform.",
          },
        );
      }
      request[field] = type;
    }
    const index = transformsOut.length;
    transformsOut.push({ definition, inputs });
    transformIndex.set(name, index);
    return index;
  };

  for (const reference of references) {
    const ref = parseFeatureRef(reference);
    const viewUse = useView(ref, reference);
    if (viewUse) {
      const spec = views[viewUse.index]!.spec;
      outputs.push({
        ref: formatFeatureRef({ view: spec.name, version: ref.version, feature: ref.feature }),
        name: options.fullFeatureNames ? `${spec.name}__${ref.feature}` : ref.feature,
        type: viewUse.type,
        source: { kind: "view", view: viewUse.index, feature: ref.feature },
      });
      continue;
    }
    const t = ref.version === undefined ? useTransform(ref.view) : undefined;
    if (t === undefined) throw notFound(reference);
    const definition = transformsOut[t]!.definition;
    const output = definition.outputs.findIndex((o) => o.name === ref.feature);
    if (output < 0) throw notFound(reference);
    outputs.push({
      ref: reference,
      name: options.fullFeatureNames ? `${ref.view}__${ref.feature}` : ref.feature,
      type: definition.outputs[output]!.type,
      source: { kind: "transform", transform: t, output },
    });
  }
  const names = new Map<string, string>();
  for (const output of outputs) {
    const seen = names.get(output.name);
    if (seen !== undefined && seen !== output.ref) {
      throw new FeatureError(
        "FEATURE_NAME_COLLISION",
        `"${seen}" and "${output.ref}" would both be the column "${output.name}".`,
        {
          hint: "Pass fullFeatureNames: true to name columns view__feature.",
          details: { column: output.name, references: [seen, output.ref] },
        },
      );
    }
    names.set(output.name, output.ref);
  }
  // The same reference twice is one column.
  const unique = outputs.filter((o, i) => outputs.findIndex((p) => p.name === o.name) === i);
  return { views, transforms: transformsOut, outputs: unique, request };
}

function isService(input: FeaturesInput): input is FeatureServiceDefinition {
  return !Array.isArray(input) && (input as FeatureServiceDefinition).kind === "feature-service";
}

/** The versions of the views a read touches (for lineage), as `name@version`. */
export function viewVersions(resolved: ResolvedFeatures): { name: string; version: number }[] {
  return resolved.views.map((v) => ({ name: v.spec.name, version: v.spec.version }));
}

/** The references of a feature list, for messages and cache keys. */
export function referencesOf(input: FeaturesInput): readonly string[] {
  return isService(input) ? input.features : input;
}
