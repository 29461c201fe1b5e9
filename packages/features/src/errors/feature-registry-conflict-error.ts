import { FeatureError } from "./feature-error.js";

/**
 * Another writer changed the feature registry between this writer's read and its write (optimistic
 * versioning). Code `FEATURE_REGISTRY_CONFLICT`, retryable: plan again against the new state, review
 * the diff, and apply again. Nothing of the rejected apply was written.
 */
export class FeatureRegistryConflictError extends FeatureError {
  readonly expectedVersion: number;
  readonly actualVersion: number;

  constructor(workspaceId: string, expectedVersion: number, actualVersion: number) {
    super(
      "FEATURE_REGISTRY_CONFLICT",
      `The feature registry of workspace "${workspaceId}" changed while applying: it was planned at version ${expectedVersion}, but another apply moved it to version ${actualVersion}. Nothing was written.`,
      {
        hint: "Run store.plan(definitions) again to see the other writer's changes, then apply again.",
        retryable: true,
        details: { workspaceId, expectedVersion, actualVersion },
      },
    );
    this.name = "FeatureRegistryConflictError";
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}
