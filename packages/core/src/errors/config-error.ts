import { BallastError, type BallastErrorOptions } from "./ballast-error.js";

/** One rejected configuration value. */
export interface ConfigIssue {
  /** Dotted key path, for example `metadata.url`. */
  path: string;
  /** What was given (redacted when it looks like a secret). */
  received: unknown;
  /** What is allowed, in words. */
  expected: string;
}

/** A configuration value is missing or invalid. Code `CONFIG_INVALID`. */
export class ConfigError extends BallastError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: BallastErrorOptions = {}) {
    const lines = issues.map(
      (issue) =>
        `  ${issue.path || "(root)"}: got ${formatReceived(issue.received)}, expected ${issue.expected}`,
    );
    super("CONFIG_INVALID", `Invalid Ballast configuration:\n${lines.join("\n")}`, {
      hint: "Fix the listed keys in ballast.config.ts/.json, the BALLAST_* environment variables or the arguments.",
      ...options,
      details: { issues },
    });
    this.name = "ConfigError";
    this.issues = issues;
  }
}

function formatReceived(value: unknown): string {
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
