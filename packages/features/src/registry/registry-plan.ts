import type { Definition, DefinitionKind } from "../definitions/definition.js";
import { htmlTable } from "../store/html-table.js";
import type { RegistryObject } from "./object-spec.js";

/** What an apply does to one object. */
export type PlanAction = "create" | "update" | "delete" | "unchanged";

/** One line of a plan. */
export interface PlanChange {
  action: PlanAction;
  kind: DefinitionKind;
  name: string;
  version: number;
  /** For `update`: the top-level spec fields that differ (`description`, `source`, `features`...). */
  fields: string[];
}

/**
 * What `store.apply(definitions)` would do, computed against registry version `registryVersion`.
 * Pass the plan itself to `store.apply(plan)` to apply exactly it: the apply fails with
 * `FEATURE_REGISTRY_CONFLICT` if another writer applied in between.
 */
export class RegistryPlan {
  readonly registryVersion: number;
  readonly changes: readonly PlanChange[];
  /** @internal The registry objects the apply writes. */
  readonly objects: readonly RegistryObject[];

  /** @internal The definitions planned (an apply of the plan loads their transform functions). */
  readonly definitions: readonly Definition[];

  constructor(
    registryVersion: number,
    changes: readonly PlanChange[],
    objects: readonly RegistryObject[],
    definitions: readonly Definition[] = [],
  ) {
    this.registryVersion = registryVersion;
    this.changes = changes;
    this.objects = objects;
    this.definitions = definitions;
  }

  /** True when the apply would write anything. */
  get hasChanges(): boolean {
    return this.changes.some((c) => c.action !== "unchanged");
  }

  /** The changes of one action. */
  filter(action: PlanAction): PlanChange[] {
    return this.changes.filter((c) => c.action === action);
  }

  /** A readable summary, one line per change (`+ feature-view driver_stats v1`). */
  toString(): string {
    const sign = { create: "+", update: "~", delete: "-", unchanged: "=" } as const;
    return this.changes
      .map(
        (c) =>
          `${sign[c.action]} ${c.kind} ${c.name} v${c.version}${c.fields.length ? ` (${c.fields.join(", ")})` : ""}`,
      )
      .join("\n");
  }

  /** Escaped HTML table of the changes, for notebooks. */
  toHTML(): string {
    return htmlTable(
      ["action", "kind", "name", "version", "fields"],
      this.changes.map((c) => [c.action, c.kind, c.name, c.version, c.fields.join(", ")]),
      { caption: `Feature registry plan (from version ${this.registryVersion})` },
    );
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML(), "text/plain": this.toString() };
  }
}
