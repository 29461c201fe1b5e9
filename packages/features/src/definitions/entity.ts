import { type LogicalScalarType, logicalScalarTypeSchema } from "@ballast/core";
import { z } from "zod";
import { FeatureDefinitionError } from "../errors/feature-definition-error.js";
import { definitionNameSchema } from "./naming.js";

const entityInputSchema = z.strictObject({
  name: definitionNameSchema,
  joinKeys: z
    .record(definitionNameSchema, logicalScalarTypeSchema.exclude(["float32", "float64"]))
    .refine((keys) => Object.keys(keys).length > 0, "an entity needs at least one join key"),
  description: z.string().optional(),
});

/** What {@link defineEntity} takes. */
export interface EntityInput<K extends Record<string, LogicalScalarType>> {
  /** The entity's name, e.g. `"driver"`. */
  name: string;
  /** Join key columns and their types, e.g. `{ driver_id: "int64" }`. Floats are refused (not exact keys). */
  joinKeys: K;
  description?: string;
}

/** An entity: what features describe (a driver, a customer), identified by its join keys. */
export interface EntityDefinition<
  K extends Record<string, LogicalScalarType> = Record<string, LogicalScalarType>,
> {
  readonly kind: "entity";
  readonly name: string;
  readonly joinKeys: Readonly<K>;
  readonly description: string | undefined;
}

/**
 * Defines an entity.
 *
 * @throws FeatureDefinitionError `FEATURE_DEFINITION_INVALID` for a bad name, no join key, or a float key.
 * @example
 * const driver = defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } });
 */
export function defineEntity<const K extends Record<string, LogicalScalarType>>(
  input: EntityInput<K>,
): EntityDefinition<K> {
  const parsed = entityInputSchema.safeParse(input);
  if (!parsed.success) {
    throw FeatureDefinitionError.fromZod(
      `entity ${JSON.stringify((input as { name?: unknown })?.name)}`,
      parsed.error,
      'Write defineEntity({ name: "driver", joinKeys: { driver_id: "int64" } }); join keys are bool, int32, int64, string, bytes or timestamp.',
    );
  }
  return Object.freeze({
    kind: "entity",
    name: parsed.data.name,
    joinKeys: Object.freeze({ ...input.joinKeys }),
    description: parsed.data.description,
  });
}
