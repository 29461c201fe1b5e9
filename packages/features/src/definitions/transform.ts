import {
  type LogicalScalarType,
  type LogicalType,
  type LogicalTypeInput,
  logicalScalarTypeSchema,
  logicalTypeSchema,
} from "@ballast/core";
import { z } from "zod";
import { FeatureDefinitionError } from "../errors/feature-definition-error.js";
import { FeatureError } from "../errors/feature-error.js";
import { type FeatureRef, parseFeatureRef } from "./feature-ref.js";
import { type FeatureValue, type LogicalValue, valueMismatch } from "./logical-value.js";
import { definitionNameSchema } from "./naming.js";

/** What a transform function receives: its input features (by feature name) and request fields. */
export type TransformRow<R extends Readonly<Record<string, LogicalScalarType>>> = Readonly<
  Record<string, FeatureValue | null>
> & { readonly [K in keyof R]: LogicalValue<R[K]> | null };

/** What a transform function returns: every output, typed (null allowed). */
export type TransformOutput<O extends Readonly<Record<string, LogicalTypeInput>>> = {
  [K in keyof O]: LogicalValue<O[K]> | null;
};

/** What {@link defineTransform} takes. */
export interface TransformInput<
  R extends Readonly<Record<string, LogicalScalarType>>,
  O extends Readonly<Record<string, LogicalTypeInput>>,
> {
  name: string;
  /** Input features as `"view:feature"`; the function sees each under its feature name. */
  inputs: readonly string[];
  /** Request-time fields (not stored anywhere): online from `request`, offline from entity columns. */
  request?: R;
  /** Output name → logical type. */
  outputs: O;
  /**
   * A pure function of one row. The same function runs on the offline path (each joined training
   * row) and the online path (each served entity), so the two always agree.
   */
  transform: (row: TransformRow<R>) => TransformOutput<O>;
  description?: string;
}

/** An on-demand transform: features computed at read time from other features and request data. */
export interface TransformDefinition {
  readonly kind: "transform";
  readonly name: string;
  readonly inputs: readonly FeatureRef[];
  readonly request: Readonly<Record<string, LogicalScalarType>>;
  readonly outputs: readonly { readonly name: string; readonly type: LogicalType }[];
  readonly transform: (
    row: Readonly<Record<string, FeatureValue | null>>,
  ) => Readonly<Record<string, unknown>>;
  readonly description: string | undefined;
}

const transformInputSchema = z.strictObject({
  name: definitionNameSchema,
  inputs: z.array(z.string()).min(1, "a transform needs at least one input feature"),
  request: z.record(definitionNameSchema, logicalScalarTypeSchema).optional(),
  outputs: z
    .record(definitionNameSchema, logicalTypeSchema)
    .refine((outputs) => Object.keys(outputs).length > 0, "a transform needs at least one output"),
  transform: z.custom<(row: unknown) => unknown>((value) => typeof value === "function", "a function"),
  description: z.string().optional(),
});

const HINT =
  'Write defineTransform({ name: "trip_score", inputs: ["driver_stats:conv_rate"], request: { bonus: "float64" }, outputs: { score: "float64" }, transform: (row) => ({ score: ... }) }).';

/**
 * Defines an on-demand transform.
 *
 * @throws FeatureDefinitionError `FEATURE_DEFINITION_INVALID` for a bad name or reference, no output,
 *   or two inputs/request fields with the same name.
 * @example
 * const adjusted = defineTransform({
 *   name: "adjusted", inputs: ["driver_stats:conv_rate"], request: { boost: "float64" },
 *   outputs: { adjusted_rate: "float64" },
 *   transform: ({ conv_rate, boost }) => ({ adjusted_rate: conv_rate === null ? null : Number(conv_rate) * (boost ?? 1) }),
 * });
 */
export function defineTransform<
  const R extends Readonly<Record<string, LogicalScalarType>> = Record<never, LogicalScalarType>,
  const O extends Readonly<Record<string, LogicalTypeInput>> = Readonly<Record<string, LogicalTypeInput>>,
>(input: TransformInput<R, O>): TransformDefinition {
  const label = `transform ${JSON.stringify((input as { name?: unknown })?.name)}`;
  const parsed = transformInputSchema.safeParse(input);
  if (!parsed.success) throw FeatureDefinitionError.fromZod(label, parsed.error, HINT);
  const issues: { path: string; problem: string }[] = [];
  const inputs: FeatureRef[] = [];
  const seen = new Set<string>();
  for (const [i, reference] of parsed.data.inputs.entries()) {
    try {
      const ref = parseFeatureRef(reference);
      if (seen.has(ref.feature))
        issues.push({ path: `inputs.${i}`, problem: `a second input named "${ref.feature}"` });
      seen.add(ref.feature);
      inputs.push(ref);
    } catch {
      issues.push({ path: `inputs.${i}`, problem: `${JSON.stringify(reference)} is not "view:feature"` });
    }
  }
  for (const field of Object.keys(parsed.data.request ?? {})) {
    if (seen.has(field))
      issues.push({ path: `request.${field}`, problem: "has the name of an input feature" });
  }
  if (issues.length > 0) throw new FeatureDefinitionError(label, issues, HINT);
  return Object.freeze({
    kind: "transform",
    name: parsed.data.name,
    inputs: Object.freeze(inputs),
    request: Object.freeze({ ...parsed.data.request }),
    outputs: Object.freeze(
      Object.entries(parsed.data.outputs).map(([name, type]) => Object.freeze({ name, type })),
    ),
    transform: input.transform as TransformDefinition["transform"],
    description: parsed.data.description,
  });
}

/**
 * Runs a transform on one row and checks its outputs against the declared types: the one code path
 * both `getHistoricalFeatures` and `getOnlineFeatures` call.
 *
 * @throws FeatureError `FEATURE_TRANSFORM_FAILED` when the function throws, or returns a missing or
 *   ill-typed output, naming the transform, the row and the output.
 */
export function runTransform(
  definition: TransformDefinition,
  row: Readonly<Record<string, FeatureValue | null>>,
  rowIndex: number,
): (FeatureValue | null)[] {
  let result: Readonly<Record<string, unknown>>;
  try {
    result = definition.transform(row);
  } catch (error) {
    throw new FeatureError(
      "FEATURE_TRANSFORM_FAILED",
      `Transform "${definition.name}" threw on row ${rowIndex}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        hint: "Handle null inputs and edge values inside the transform function.",
        details: { transform: definition.name, rowIndex },
      },
    );
  }
  if (typeof result !== "object" || result === null) {
    throw transformOutputError(
      definition,
      rowIndex,
      "(result)",
      "the function must return an object of outputs",
    );
  }
  return definition.outputs.map((output) => {
    const value = result[output.name];
    if (value === null) return null;
    if (value === undefined)
      throw transformOutputError(definition, rowIndex, output.name, "missing (return null for no value)");
    const problem = valueMismatch(output.type, value);
    if (problem !== undefined) throw transformOutputError(definition, rowIndex, output.name, problem);
    return (value instanceof Date ? value.getTime() : value) as FeatureValue;
  });
}

function transformOutputError(
  definition: TransformDefinition,
  rowIndex: number,
  output: string,
  problem: string,
) {
  return new FeatureError(
    "FEATURE_TRANSFORM_FAILED",
    `Transform "${definition.name}" returned a bad output "${output}" on row ${rowIndex}: ${problem}.`,
    {
      hint: "Return every declared output with its declared type, or null.",
      details: { transform: definition.name, rowIndex, output },
    },
  );
}
