import type { DefinitionKind } from "../definitions/definition.js";
import type {
  RegistryObject,
  ServiceSpec,
  SourceSpec,
  SpecOfKind,
  TransformSpec,
  ViewSpec,
} from "./object-spec.js";

/** One stored object version, with its deletion mark. */
export interface StoredObject<K extends DefinitionKind = DefinitionKind> extends RegistryObject<K> {
  deleted: boolean;
  revision: number;
}

/**
 * The registry of one workspace as read at one registry version: every object version, deleted or
 * not, indexed by kind and name. Immutable; the store replaces it after an apply or a refresh.
 */
export class RegistrySnapshot {
  readonly version: number;
  readonly #byName = new Map<string, StoredObject[]>();

  constructor(version: number, objects: readonly StoredObject[]) {
    this.version = version;
    for (const object of objects) {
      const key = `${object.kind}/${object.name}`;
      const list = this.#byName.get(key) ?? [];
      list.push(object);
      this.#byName.set(key, list);
    }
    for (const list of this.#byName.values()) list.sort((a, b) => a.version - b.version);
  }

  /** Every stored version of one object, oldest first. */
  versions<K extends DefinitionKind>(kind: K, name: string): readonly StoredObject<K>[] {
    return (this.#byName.get(`${kind}/${name}`) ?? []) as StoredObject<K>[];
  }

  /** The newest version that is not deleted. */
  latest<K extends DefinitionKind>(kind: K, name: string): StoredObject<K> | undefined {
    const versions = this.versions(kind, name);
    for (let i = versions.length - 1; i >= 0; i--) if (!versions[i]!.deleted) return versions[i];
    return undefined;
  }

  /** One version, deleted or not (every version stays readable). */
  at<K extends DefinitionKind>(kind: K, name: string, version: number): StoredObject<K> | undefined {
    return this.versions(kind, name).find((o) => o.version === version);
  }

  /** The latest active object of every name of a kind. */
  active<K extends DefinitionKind>(kind: K): StoredObject<K>[] {
    const out: StoredObject<K>[] = [];
    for (const [key] of this.#byName) {
      if (!key.startsWith(`${kind}/`)) continue;
      const latest = this.latest(kind, key.slice(kind.length + 1));
      if (latest) out.push(latest);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Every object of every kind and version. */
  all(): StoredObject[] {
    return [...this.#byName.values()].flat();
  }

  view(name: string, version?: number): ViewSpec | undefined {
    return (
      version === undefined ? this.latest("feature-view", name) : this.at("feature-view", name, version)
    )?.spec as SpecOfKind["feature-view"] | undefined;
  }

  transform(name: string): TransformSpec | undefined {
    return this.latest("transform", name)?.spec;
  }

  service(name: string, version?: number): ServiceSpec | undefined {
    return (
      version === undefined ? this.latest("feature-service", name) : this.at("feature-service", name, version)
    )?.spec;
  }

  source(name: string): SourceSpec | undefined {
    return this.latest("parquet-source", name)?.spec ?? this.latest("push-source", name)?.spec;
  }
}
