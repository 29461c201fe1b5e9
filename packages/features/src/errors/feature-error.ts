import { BallastError, type BallastErrorOptions } from "@ballast/core";

/**
 * Stable codes of the errors the feature definitions, registry and store throw. Callers match on
 * these (with `BallastError.isInstance(error, code)`), never on messages.
 */
export type FeatureErrorCode =
  | "FEATURE_DEFINITION_INVALID"
  | "FEATURE_REF_INVALID"
  | "FEATURE_NOT_FOUND"
  | "FEATURE_REGISTRY_CONFLICT"
  | "FEATURE_VIEW_CHANGE_REFUSED"
  | "FEATURE_PUSH_ROW_INVALID"
  | "FEATURE_ENTITY_ROWS_INVALID"
  | "FEATURE_TRANSFORM_FAILED"
  | "FEATURE_TRANSFORM_NOT_LOADED"
  | "FEATURE_NAME_COLLISION"
  | "FEATURE_NO_OFFLINE_SOURCE"
  | "FEATURE_VIEW_NOT_ONLINE";

/**
 * Base of every error of the feature store façade (definitions, registry, store). The code says
 * what went wrong, the hint how to fix it, and `details` holds the data (names, indexes) as values.
 *
 * @example
 * try { await store.getOnlineFeatures({ entities, features: ["driver_stats:conv_rte"] }) } catch (e) {
 *   if (BallastError.isInstance(e, "FEATURE_NOT_FOUND")) console.error(e.hint) // names the closest match
 * }
 */
export class FeatureError extends BallastError {
  declare readonly code: FeatureErrorCode;

  constructor(code: FeatureErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(code, message, options);
    this.name = "FeatureError";
  }
}
