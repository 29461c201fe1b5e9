import type { SqlValue } from "@ballast/core";

/**
 * The bind list of one statement being built: every value goes through {@link SqlParameters.bind},
 * which returns its `$n` placeholder, so no value is ever spliced into SQL text.
 */
export class SqlParameters {
  readonly values: SqlValue[] = [];

  /** Appends `value` and returns its placeholder with a cast (`$3::float8`), so both engines infer one type. */
  bind(value: SqlValue, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}
