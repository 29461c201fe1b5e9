export { type DefinitionIssue, FeatureDefinitionError } from "./feature-definition-error.js";
export { FeatureError, type FeatureErrorCode } from "./feature-error.js";
export { FeatureNotFoundError, type FeatureObjectKind } from "./feature-not-found-error.js";
export { FeaturePushRowInvalidError } from "./feature-push-row-invalid-error.js";
export { FeatureRegistryConflictError } from "./feature-registry-conflict-error.js";
