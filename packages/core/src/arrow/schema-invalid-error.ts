import { BallastError, type BallastErrorOptions } from "../errors/index.js";

/** One rejected column of a schema. */
export interface SchemaIssue {
  /** Column name (or `(schema)` for problems of the whole schema). */
  column: string;
  /** What is wrong, in words. */
  problem: string;
  /** How to fix it. */
  fix: string;
}

/**
 * A schema uses a type Ballast has no logical type for, or is malformed. Code `SCHEMA_INVALID`.
 * Each issue names the column and the fix.
 *
 * @example
 * try { fromArrowSchema(table.schema) } catch (e) {
 *   if (BallastError.isInstance(e, "SCHEMA_INVALID")) console.error(e.message)
 * }
 */
export class SchemaInvalidError extends BallastError {
  readonly issues: readonly SchemaIssue[];

  constructor(issues: readonly SchemaIssue[], options: BallastErrorOptions = {}) {
    const lines = issues.map((issue) => `  ${issue.column}: ${issue.problem}. Fix: ${issue.fix}`);
    super("SCHEMA_INVALID", `Invalid schema:\n${lines.join("\n")}`, { ...options, details: { issues } });
    this.name = "SchemaInvalidError";
    this.issues = issues;
  }
}
