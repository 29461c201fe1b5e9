import type { z } from "zod";
import { FeatureError } from "./feature-error.js";

/** One rejected part of a definition. */
export interface DefinitionIssue {
  /** Where in the definition: `schema.conv_rate`, `entities.0`, `(definition)`. */
  path: string;
  /** What is wrong, in words. */
  problem: string;
}

/**
 * A definition (entity, source, feature view, transform, service) is malformed. Code
 * `FEATURE_DEFINITION_INVALID`; `issues` lists each bad part with its path.
 *
 * @example
 * try { defineEntity({ name: "driver", joinKeys: {} }) } catch (e) {
 *   if (BallastError.isInstance(e, "FEATURE_DEFINITION_INVALID")) console.error(e.message)
 * }
 */
export class FeatureDefinitionError extends FeatureError {
  readonly definition: string;
  readonly issues: readonly DefinitionIssue[];

  constructor(definition: string, issues: readonly DefinitionIssue[], hint: string) {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.problem}`);
    super("FEATURE_DEFINITION_INVALID", `Invalid ${definition}:\n${lines.join("\n")}`, {
      hint,
      details: { definition, issues },
    });
    this.name = "FeatureDefinitionError";
    this.definition = definition;
    this.issues = issues;
  }

  /** Turns zod's issues (kept as data) into a definition error. */
  static fromZod(definition: string, error: z.ZodError, hint: string): FeatureDefinitionError {
    return new FeatureDefinitionError(
      definition,
      error.issues.map((issue) => ({
        path: issue.path.length ? issue.path.map(String).join(".") : "(definition)",
        problem: issue.message,
      })),
      hint,
    );
  }
}
