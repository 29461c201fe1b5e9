/**
 * The error codes the model registry throws, on top of core's (`DATABASE_ERROR`, `RESOURCE_CLOSED`,
 * `VALIDATION_FAILED`, ...). Every registry error is a `BallastError` carrying one of these as its
 * `code`; match with `BallastError.isInstance(error, "PROMOTION_REJECTED")`.
 *
 * - `MODEL_NAME_INVALID`, `ALIAS_NAME_INVALID`, `MODEL_URI_INVALID`: a name, alias or URI that does not
 *   follow the grammar (see {@link parseModelUri}).
 * - `ALIAS_RESERVED`: an attempt to set, move or delete `latest`.
 * - `MODEL_EXISTS`: `createModel` on a name that is taken (unless `ifExists: "return"`).
 * - `MODEL_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALIAS_NOT_FOUND`: the name, version or alias is not in this
 *   workspace (models and prompts alike).
 * - `RUN_NOT_FOUND`, `ARTIFACT_NOT_FOUND`, `DATASET_NOT_FOUND`: the tracking record a call refers to is
 *   missing; `ARTIFACT_CORRUPT`: stored bytes no longer hash to the version's sha256.
 * - `SIGNATURE_INVALID`: a signature schema that cannot be stored as JSON Schema.
 * - `GATE_INVALID`: a promotion gate condition of the wrong shape; `PROMOTION_REJECTED`: the gate failed.
 * - `ROLLBACK_UNAVAILABLE`: the audit trail holds no earlier version for the alias.
 * - `PROMPT_INVALID`: a template whose placeholders are malformed or differ from the declared
 *   variables; `PROMPT_VARIABLES_INVALID`: rendering with a missing or unknown variable.
 */
export type RegistryErrorCode =
  | "MODEL_NAME_INVALID"
  | "ALIAS_NAME_INVALID"
  | "MODEL_URI_INVALID"
  | "ALIAS_RESERVED"
  | "MODEL_EXISTS"
  | "MODEL_NOT_FOUND"
  | "VERSION_NOT_FOUND"
  | "ALIAS_NOT_FOUND"
  | "RUN_NOT_FOUND"
  | "ARTIFACT_NOT_FOUND"
  | "ARTIFACT_CORRUPT"
  | "DATASET_NOT_FOUND"
  | "SIGNATURE_INVALID"
  | "GATE_INVALID"
  | "PROMOTION_REJECTED"
  | "ROLLBACK_UNAVAILABLE"
  | "PROMPT_INVALID"
  | "PROMPT_VARIABLES_INVALID";
