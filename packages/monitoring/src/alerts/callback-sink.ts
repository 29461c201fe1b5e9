import type { Alert, AlertSink } from "./alert.js";

/**
 * A sink that calls a function with each alert (awaited, so a throwing callback is a failed delivery).
 *
 * @example
 * const sink = callbackSink((alert) => console.log(alert.message));
 */
export function callbackSink(
  fn: (alert: Alert, options: { signal?: AbortSignal }) => void | Promise<void>,
  name = "callback",
): AlertSink {
  return {
    name,
    async send(alert, options = {}) {
      await fn(alert, options);
    },
  };
}
