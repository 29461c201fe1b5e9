export type { Alert, AlertKind, AlertSeverity, AlertSink } from "./alert.js";
export { AlertDeliveryError } from "./alert-errors.js";
export { callbackSink } from "./callback-sink.js";
export { type WebhookSinkOptions, webhookSink } from "./webhook-sink.js";
