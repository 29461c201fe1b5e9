import { BallastError, type BallastErrorOptions } from "@ballast/core";

/** An alert could not be delivered after every attempt. Code `MONITORING_ALERT_DELIVERY_FAILED`. */
export class AlertDeliveryError extends BallastError {
  constructor(message: string, options: BallastErrorOptions & { hint: string }) {
    super("MONITORING_ALERT_DELIVERY_FAILED", message, { retryable: true, ...options });
    this.name = "AlertDeliveryError";
  }
}
