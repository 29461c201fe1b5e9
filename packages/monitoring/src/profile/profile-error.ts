import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Stable codes of the profile errors. */
export type ProfileErrorCode =
  | "MONITORING_PROFILE_CORRUPT"
  | "MONITORING_PROFILE_INCOMPATIBLE"
  | "MONITORING_PROFILE_NOT_FOUND"
  | "MONITORING_SCHEMA_MISMATCH"
  | "MONITORING_INVALID_OPTION";

/**
 * A profile could not be read (`MONITORING_PROFILE_CORRUPT`), two profiles cannot be merged because
 * their sketch options differ (`MONITORING_PROFILE_INCOMPATIBLE`) or their columns differ
 * (`MONITORING_SCHEMA_MISMATCH`), a stored profile does not exist (`MONITORING_PROFILE_NOT_FOUND`), or
 * an option is out of range (`MONITORING_INVALID_OPTION`).
 */
export class ProfileError extends BallastError {
  constructor(code: ProfileErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(code, message, options);
    this.name = "ProfileError";
  }
}
