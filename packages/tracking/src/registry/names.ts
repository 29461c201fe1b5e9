import { BallastError } from "@ballast/core";

/**
 * The alias that always means "the highest version". It is computed, never stored, so it cannot be
 * set, moved or deleted.
 */
export const LATEST_ALIAS = "latest";

/**
 * Model and prompt names: lowercase slugs (letters, digits, `.`, `_`, `-`, starting with a letter or a
 * digit, at most 128 characters). Lowercase only, so `Churn` and `churn` can never be two models;
 * no `/` or `@`, so a name is unambiguous inside `models:/<name>/<version>` and `models:/<name>@<alias>`.
 */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Alias names: a lowercase letter, then letters, digits, `_` or `-` (at most 63 characters). Starting
 * with a letter keeps an alias from ever looking like a version number.
 */
export const ALIAS_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Checks a model or prompt name.
 *
 * @throws BallastError `MODEL_NAME_INVALID` when `name` is not a slug (see {@link MODEL_NAME_PATTERN}).
 * @example assertModelName("churn-classifier");
 */
export function assertModelName(name: unknown): asserts name is string {
  if (typeof name === "string" && MODEL_NAME_PATTERN.test(name)) return;
  throw new BallastError("MODEL_NAME_INVALID", `Invalid model name ${JSON.stringify(name)}.`, {
    hint: "Use lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, at most 128 characters.",
    details: { name },
  });
}

/**
 * Checks an alias name, and (unless `allowLatest`) that it is not the reserved `latest`.
 *
 * @throws BallastError `ALIAS_NAME_INVALID` for a malformed alias; `ALIAS_RESERVED` for `latest`
 *   when it is not allowed.
 * @example assertAliasName("production");
 */
export function assertAliasName(
  alias: unknown,
  options: { allowLatest?: boolean } = {},
): asserts alias is string {
  if (typeof alias !== "string" || !ALIAS_NAME_PATTERN.test(alias)) {
    throw new BallastError("ALIAS_NAME_INVALID", `Invalid alias ${JSON.stringify(alias)}.`, {
      hint: "Use a lowercase letter, then letters, digits, '_' or '-', at most 63 characters.",
      details: { alias },
    });
  }
  if (alias === LATEST_ALIAS && !options.allowLatest) {
    throw new BallastError("ALIAS_RESERVED", `The alias "${LATEST_ALIAS}" is reserved.`, {
      hint: `"${LATEST_ALIAS}" always resolves to the highest version; choose another alias name.`,
      details: { alias },
    });
  }
}
