import { z } from "zod";
import { FeatureDefinitionError } from "../errors/feature-definition-error.js";
import { formatFeatureRef, parseFeatureRef } from "./feature-ref.js";
import type { FeatureViewDefinition } from "./feature-view.js";
import { definitionNameSchema } from "./naming.js";
import type { TransformDefinition } from "./transform.js";

/** What {@link defineFeatureService} takes. */
export interface FeatureServiceInput {
  name: string;
  /** Default 1. A model pins `name` + `version`; change the features under a new version. */
  version?: number;
  /** `"view:feature"` references, or whole views/transforms (all their features). */
  features: readonly (string | FeatureViewDefinition | TransformDefinition)[];
  description?: string;
}

/** A named, versioned set of features one model consumes. */
export interface FeatureServiceDefinition {
  readonly kind: "feature-service";
  readonly name: string;
  readonly version: number;
  /** Normalised `view:feature` references, in order, without duplicates. */
  readonly features: readonly string[];
  readonly description: string | undefined;
}

const serviceSchema = z.strictObject({
  name: definitionNameSchema,
  version: z.number().int().positive().default(1),
  features: z.array(z.unknown()).min(1, "a feature service needs at least one feature"),
  description: z.string().optional(),
});

const HINT =
  'Write defineFeatureService({ name: "driver_model", features: ["driver_stats:conv_rate", adjustedTransform] }).';

/**
 * Defines a feature service.
 *
 * @throws FeatureDefinitionError `FEATURE_DEFINITION_INVALID` for a bad name, no feature or a bad reference.
 * @example
 * const service = defineFeatureService({ name: "eta_model", version: 2, features: [stats, "trips:count_7d"] });
 */
export function defineFeatureService(input: FeatureServiceInput): FeatureServiceDefinition {
  const label = `feature service ${JSON.stringify((input as { name?: unknown })?.name)}`;
  const parsed = serviceSchema.safeParse(input);
  if (!parsed.success) throw FeatureDefinitionError.fromZod(label, parsed.error, HINT);
  const features: string[] = [];
  const issues: { path: string; problem: string }[] = [];
  for (const [i, item] of input.features.entries()) {
    if (typeof item === "string") {
      try {
        features.push(formatFeatureRef(parseFeatureRef(item)));
      } catch {
        issues.push({ path: `features.${i}`, problem: `${JSON.stringify(item)} is not "view:feature"` });
      }
    } else if (item?.kind === "feature-view") {
      for (const feature of item.features) features.push(`${item.name}:${feature.name}`);
    } else if (item?.kind === "transform") {
      for (const output of item.outputs) features.push(`${item.name}:${output.name}`);
    } else {
      issues.push({
        path: `features.${i}`,
        problem: 'expected "view:feature", a feature view or a transform',
      });
    }
  }
  if (issues.length > 0) throw new FeatureDefinitionError(label, issues, HINT);
  return Object.freeze({
    kind: "feature-service",
    name: parsed.data.name,
    version: parsed.data.version,
    features: Object.freeze([...new Set(features)]),
    description: parsed.data.description,
  });
}
