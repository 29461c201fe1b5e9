import { closestMatch } from "../definitions/closest-match.js";
import type { Definition, DefinitionKind } from "../definitions/definition.js";
import { parseFeatureRef } from "../definitions/feature-ref.js";
import { FeatureDefinitionError } from "../errors/feature-definition-error.js";
import { FeatureError } from "../errors/feature-error.js";
import { FeatureNotFoundError } from "../errors/feature-not-found-error.js";
import {
  canonicalJson,
  type RegistryObject,
  type ServiceSpec,
  toRegistryObject,
  type ViewSpec,
} from "./object-spec.js";
import { type PlanChange, RegistryPlan } from "./registry-plan.js";
import type { RegistrySnapshot } from "./registry-snapshot.js";

/** Definitions plus what they depend on (a view's entities and source, a push source's batch source). */
function expand(definitions: readonly Definition[]): Definition[] {
  const out: Definition[] = [];
  const visit = (definition: Definition) => {
    out.push(definition);
    if (definition.kind === "feature-view") {
      for (const entity of definition.entities) visit(entity);
      visit(definition.source);
    } else if (definition.kind === "push-source" && definition.batchSource) {
      visit(definition.batchSource);
    }
  };
  for (const definition of definitions) visit(definition);
  return out;
}

/** One object per kind and name; two different definitions under one name are refused. */
function dedupe(definitions: readonly Definition[]): RegistryObject[] {
  const byKey = new Map<string, RegistryObject>();
  for (const definition of definitions) {
    const object = toRegistryObject(definition);
    const key = `${object.kind}/${object.name}`;
    const seen = byKey.get(key);
    if (seen && seen.digest !== object.digest) {
      throw new FeatureDefinitionError(
        `${object.kind} ${JSON.stringify(object.name)}`,
        [
          {
            path: "(definition)",
            problem: `defined twice with different content${seen.version !== object.version ? ` (versions ${seen.version} and ${object.version})` : ""}`,
          },
        ],
        "Pass one definition per name: each apply registers the current version of every object.",
      );
    }
    byKey.set(key, object);
  }
  return [...byKey.values()];
}

/** Checks that transform inputs and service features name registered (or co-applied) features. */
function checkReferences(objects: readonly RegistryObject[], snapshot: RegistrySnapshot): void {
  const views = new Map<string, ViewSpec>();
  const outputs = new Map<string, Set<string>>();
  for (const object of objects) {
    if (object.kind === "feature-view") views.set(object.name, object.spec as ViewSpec);
    if (object.kind === "transform") {
      const spec = object.spec as { outputs: { name: string }[] };
      outputs.set(object.name, new Set(spec.outputs.map((o) => o.name)));
    }
  }
  const known = [
    ...[...views.values()].flatMap((v) => v.features.map((f) => `${v.name}:${f.name}`)),
    ...[...outputs].flatMap(([name, set]) => [...set].map((o) => `${name}:${o}`)),
  ];
  const check = (reference: string, allowTransforms: boolean) => {
    const ref = parseFeatureRef(reference);
    const view =
      ref.version === undefined
        ? views.get(ref.view)
        : (snapshot.view(ref.view, ref.version) ??
          (views.get(ref.view)?.version === ref.version ? views.get(ref.view) : undefined));
    if (view?.features.some((f) => f.name === ref.feature)) return;
    if (allowTransforms && ref.version === undefined && outputs.get(ref.view)?.has(ref.feature)) return;
    throw new FeatureNotFoundError("feature", reference, closestMatch(reference, known), known.length);
  };
  for (const object of objects) {
    if (object.kind === "transform")
      for (const input of (object.spec as { inputs: string[] }).inputs) check(input, false);
    if (object.kind === "feature-service")
      for (const feature of (object.spec as ServiceSpec).features) check(feature, true);
  }
}

function changedFields(before: object, after: object): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter(
      (key) =>
        canonicalJson((before as Record<string, unknown>)[key]) !==
        canonicalJson((after as Record<string, unknown>)[key]),
    )
    .sort();
}

/** Why a new spec cannot replace a stored one under the same version, or nothing when it can. */
function incompatibility(kind: DefinitionKind, before: RegistryObject, after: RegistryObject): string[] {
  if (kind === "feature-view") {
    const a = before.spec as ViewSpec;
    const b = after.spec as ViewSpec;
    const reasons: string[] = [];
    if (
      canonicalJson(a.joinKeys) !== canonicalJson(b.joinKeys) ||
      canonicalJson(a.entities) !== canonicalJson(b.entities)
    ) {
      reasons.push(
        `entities change from ${JSON.stringify(a.entities)} (${canonicalJson(a.joinKeys)}) to ${JSON.stringify(b.entities)} (${canonicalJson(b.joinKeys)})`,
      );
    }
    for (const feature of a.features) {
      const next = b.features.find((f) => f.name === feature.name);
      if (!next) reasons.push(`feature "${feature.name}" is removed`);
      else if (canonicalJson(next.type) !== canonicalJson(feature.type)) {
        reasons.push(
          `feature "${feature.name}" changes type from ${canonicalJson(feature.type)} to ${canonicalJson(next.type)}`,
        );
      }
    }
    return reasons;
  }
  if (kind === "feature-service") {
    const a = before.spec as ServiceSpec;
    const b = after.spec as ServiceSpec;
    return canonicalJson(a.features) === canonicalJson(b.features) ? [] : ["its features change"];
  }
  return [];
}

function refused(
  kind: DefinitionKind,
  name: string,
  version: number,
  reasons: string[],
  hint: string,
): FeatureError {
  return new FeatureError(
    "FEATURE_VIEW_CHANGE_REFUSED",
    `Refusing to change ${kind} "${name}" version ${version}: ${reasons.join("; ")}.`,
    { hint, details: { kind, name, version, reasons } },
  );
}

/**
 * Compares the definitions (the desired state of the whole registry) with a snapshot: objects to
 * create (new names, or new versions of a view or service), update in place, and delete (registered
 * but no longer defined). Incompatible changes under an unchanged version are refused.
 *
 * @throws FeatureError `FEATURE_VIEW_CHANGE_REFUSED` for a feature type change, a removed feature or
 *   changed entities without a new view version, a changed service feature list without a new
 *   version, or a version lower than the registered one; `FEATURE_DEFINITION_INVALID` for two
 *   different definitions of one name; `FEATURE_NOT_FOUND` (with the closest match) for a transform
 *   input or service feature that names no feature.
 */
export function planChanges(snapshot: RegistrySnapshot, definitions: readonly Definition[]): RegistryPlan {
  const objects = dedupe(expand(definitions));
  checkReferences(objects, snapshot);
  const changes: PlanChange[] = [];
  const wanted = new Set<string>();
  for (const object of objects) {
    const { kind, name, version } = object;
    wanted.add(`${kind}/${name}`);
    const latest = snapshot.latest(kind, name);
    const same = snapshot.at(kind, name, version);
    if (latest && version < latest.version) {
      throw refused(
        kind,
        name,
        version,
        [`version ${latest.version} is already registered`],
        `Define version ${latest.version} or higher: older versions stay readable as "${name}@${version}:feature".`,
      );
    }
    if (!same) {
      changes.push({ action: "create", kind, name, version, fields: [] });
      continue;
    }
    const reasons = incompatibility(kind, same, object);
    if (reasons.length > 0) {
      throw refused(
        kind,
        name,
        version,
        reasons,
        `Give the ${kind} a new version (version: ${version + 1}); version ${version} stays readable.`,
      );
    }
    if (same.deleted) changes.push({ action: "create", kind, name, version, fields: [] });
    else if (same.digest === object.digest)
      changes.push({ action: "unchanged", kind, name, version, fields: [] });
    else
      changes.push({ action: "update", kind, name, version, fields: changedFields(same.spec, object.spec) });
  }
  for (const stored of snapshot.all()) {
    if (stored.deleted || wanted.has(`${stored.kind}/${stored.name}`)) continue;
    changes.push({
      action: "delete",
      kind: stored.kind,
      name: stored.name,
      version: stored.version,
      fields: [],
    });
  }
  const order: DefinitionKind[] = [
    "entity",
    "parquet-source",
    "push-source",
    "feature-view",
    "transform",
    "feature-service",
  ];
  changes.sort(
    (a, b) =>
      order.indexOf(a.kind) - order.indexOf(b.kind) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version),
  );
  return new RegistryPlan(snapshot.version, changes, objects, definitions);
}
