import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Stable codes of the sketch errors. */
export type SketchErrorCode =
  | "MONITORING_SKETCH_CORRUPT"
  | "MONITORING_SKETCH_INCOMPATIBLE"
  | "MONITORING_INVALID_OPTION"
  | "MONITORING_EMPTY_SKETCH";

/**
 * A sketch was given bad bytes (`MONITORING_SKETCH_CORRUPT`), merged with one of other parameters
 * (`MONITORING_SKETCH_INCOMPATIBLE`), built with an out-of-range parameter (`MONITORING_INVALID_OPTION`)
 * or queried while empty (`MONITORING_EMPTY_SKETCH`).
 */
export class SketchError extends BallastError {
  constructor(code: SketchErrorCode, message: string, options: BallastErrorOptions = {}) {
    super(code, message, options);
    this.name = "SketchError";
  }
}

/** The error for sketch bytes that do not decode as `what` (`MONITORING_SKETCH_CORRUPT`). */
export function corrupt(what: string, problem: string, cause?: unknown): SketchError {
  return new SketchError("MONITORING_SKETCH_CORRUPT", `Cannot read the ${what}: ${problem}.`, {
    hint: "The bytes were truncated or changed after serialize(); serialize the sketch again from its source.",
    cause,
  });
}
