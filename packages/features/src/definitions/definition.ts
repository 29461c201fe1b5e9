import type { EntityDefinition } from "./entity.js";
import type { FeatureServiceDefinition } from "./feature-service.js";
import type { FeatureViewDefinition } from "./feature-view.js";
import type { ParquetSourceDefinition, PushSourceDefinition } from "./sources.js";
import type { TransformDefinition } from "./transform.js";

/** Anything `store.plan` / `store.apply` accept. */
export type Definition =
  | EntityDefinition
  | ParquetSourceDefinition
  | PushSourceDefinition
  | FeatureViewDefinition
  | TransformDefinition
  | FeatureServiceDefinition;

/** The `kind` tags of {@link Definition}. */
export type DefinitionKind = Definition["kind"];
