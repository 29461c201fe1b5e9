import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** Invalid monitor, window or rule options. Code `MONITORING_OPTIONS_INVALID`. */
export class MonitorOptionsError extends BallastError {
  constructor(message: string, options: BallastErrorOptions & { hint: string }) {
    super("MONITORING_OPTIONS_INVALID", message, options);
    this.name = "MonitorOptionsError";
  }
}
