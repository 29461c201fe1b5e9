import { BallastError } from "@ballast/core";
import { z } from "zod";

/** A JSON Schema document, stored as given. */
export type JsonSchema = Record<string, unknown>;

/** One side of a signature as the caller gives it: a zod schema, or a JSON Schema object. */
export type SchemaInput = z.ZodType | JsonSchema;

/** What a model accepts and returns, as the caller gives it to `createVersion`. */
export interface ModelSignatureInput {
  inputs: SchemaInput;
  outputs: SchemaInput;
}

/** A stored signature: both sides as JSON Schema, so any language and the HTTP layer can read it. */
export interface ModelSignature {
  inputs: JsonSchema;
  outputs: JsonSchema;
}

// Duck-typed rather than `instanceof`, so a schema built with another copy of zod 4 is recognised.
function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

function toJsonSchema(side: "inputs" | "outputs", value: unknown): JsonSchema {
  if (isZodSchema(value)) {
    try {
      // "throw" rather than silently emitting `{}` for a type JSON Schema cannot express (z.date(), ...).
      return z.toJSONSchema(value, { unrepresentable: "throw" }) as JsonSchema;
    } catch (cause) {
      throw new BallastError("SIGNATURE_INVALID", `The ${side} schema cannot be expressed as JSON Schema.`, {
        cause,
        hint: "Use JSON-representable types (strings, numbers, booleans, arrays, objects); encode dates as ISO strings.",
        details: { side },
      });
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BallastError(
      "SIGNATURE_INVALID",
      `The ${side} schema must be a zod schema or a JSON Schema object.`,
      {
        details: { side, given: value === null ? "null" : Array.isArray(value) ? "array" : typeof value },
      },
    );
  }
  try {
    // A round trip drops functions and undefined and rejects cycles: what is stored is what is read.
    return JSON.parse(JSON.stringify(value)) as JsonSchema;
  } catch (cause) {
    throw new BallastError("SIGNATURE_INVALID", `The ${side} JSON Schema is not serialisable.`, {
      cause,
      details: { side },
    });
  }
}

/**
 * Converts a signature to its stored form: zod schemas become JSON Schema (`z.toJSONSchema`), JSON
 * Schema objects are kept as they are.
 *
 * @throws BallastError `SIGNATURE_INVALID` when a side is neither, or uses a type JSON Schema cannot express.
 * @example toModelSignature({ inputs: z.object({ tenure: z.number() }), outputs: z.object({ churn: z.boolean() }) });
 */
export function toModelSignature(signature: ModelSignatureInput): ModelSignature {
  if (typeof signature !== "object" || signature === null) {
    throw new BallastError("SIGNATURE_INVALID", "A signature is an object { inputs, outputs }.");
  }
  return {
    inputs: toJsonSchema("inputs", signature.inputs),
    outputs: toJsonSchema("outputs", signature.outputs),
  };
}
