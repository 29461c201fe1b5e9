import { BallastError } from "@ballast/core";
import { z } from "zod";

/** The zod schemas an experiment's params may be declared with: an object of named params. */
export type ParamsSchema = z.ZodObject;

/**
 * Checks params before they are stored: all of them at `startRun({ params })`, a subset at
 * `run.logParams(...)`. Returns the parsed values (defaults applied, coercions done) for the keys given.
 */
export interface ParamValidator {
  full(input: unknown): Record<string, unknown>;
  partial(input: unknown): Record<string, unknown>;
}

function invalid(runLabel: string, error: z.ZodError): BallastError {
  return new BallastError(
    "PARAM_INVALID",
    `Params of ${runLabel} do not match the experiment's schema:\n${z.prettifyError(error)}`,
    {
      hint: "Fix the values (or the schema passed to tracker.experiment).",
      details: { issues: error.issues },
    },
  );
}

function requireObject(input: unknown, label: string): Record<string, unknown> {
  if (typeof input === "object" && input !== null && !Array.isArray(input))
    return input as Record<string, unknown>;
  throw new BallastError("PARAM_INVALID", `Params of ${label} must be an object of name → value.`, {
    hint: 'Pass params as { learningRate: 0.01, optimizer: "adam" }.',
    details: { received: typeof input },
  });
}

/**
 * A validator for an experiment's zod schema. Unknown keys are refused (strict), because a typo in a
 * param name would otherwise be stored as a second, silently different param.
 */
export function schemaParamValidator(schema: ParamsSchema, label: string): ParamValidator {
  const full = schema.strict();
  const partial = schema.partial().strict();
  return {
    full(input) {
      const result = full.safeParse(requireObject(input, label));
      if (!result.success) throw invalid(label, result.error);
      return result.data as Record<string, unknown>;
    },
    partial(input) {
      const given = requireObject(input, label);
      const result = partial.safeParse(given);
      if (!result.success) throw invalid(label, result.error);
      const data = result.data as Record<string, unknown>;
      // Only what was passed: a default inside the schema must not log a param the caller never set.
      return Object.fromEntries(
        Object.keys(given)
          .filter((key) => data[key] !== undefined)
          .map((key) => [key, data[key]]),
      );
    },
  };
}

const jsonValue = z.json();

/**
 * The validator for runs opened without their schema (`tracker.getRun(id)`): any JSON value is
 * accepted, immutability is still enforced by the database.
 */
export function jsonParamValidator(label: string): ParamValidator {
  const check = (input: unknown) => {
    const given = requireObject(input, label);
    const result = z.record(z.string(), jsonValue).safeParse(given);
    if (!result.success) throw invalid(label, result.error);
    return result.data as Record<string, unknown>;
  };
  return { full: check, partial: check };
}
