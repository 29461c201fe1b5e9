import { FeatureError } from "./feature-error.js";

/** What kind of name was not found. */
export type FeatureObjectKind =
  | "feature"
  | "feature view"
  | "transform"
  | "feature service"
  | "source"
  | "entity";

/**
 * A name (a `view:feature` reference, a view, a service, a source) is not registered. Code
 * `FEATURE_NOT_FOUND`. `closestMatch` is the registered name nearest by edit distance, when one is
 * near enough to be a likely typo; the hint names it.
 *
 * @example
 * // FEATURE_NOT_FOUND: Unknown feature "driver_stats:conv_rte". Hint: Did you mean "driver_stats:conv_rate"?
 */
export class FeatureNotFoundError extends FeatureError {
  readonly kind: FeatureObjectKind;
  readonly reference: string;
  readonly closestMatch: string | undefined;

  constructor(kind: FeatureObjectKind, reference: string, closestMatch: string | undefined, known: number) {
    super("FEATURE_NOT_FOUND", `Unknown ${kind} ${JSON.stringify(reference)}.`, {
      hint:
        closestMatch !== undefined
          ? `Did you mean ${JSON.stringify(closestMatch)}?`
          : known === 0
            ? `No ${kind} is registered: define it and call store.apply(definitions) first.`
            : `Check the name against the registered ${kind}s (store.plan and store.apply register them).`,
      details: { kind, reference, ...(closestMatch === undefined ? {} : { closestMatch }) },
    });
    this.name = "FeatureNotFoundError";
    this.kind = kind;
    this.reference = reference;
    this.closestMatch = closestMatch;
  }
}
