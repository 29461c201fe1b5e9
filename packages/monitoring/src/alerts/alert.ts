/** What a rule checks. */
export type AlertKind = "drift" | "quality" | "performance";

/** How urgent an alert is; rules choose (default `"warning"`). */
export type AlertSeverity = "info" | "warning" | "critical";

/**
 * One alert raised by a monitor rule for one closed window. Plain JSON data, so a webhook can post it
 * as is and a store can keep it.
 */
export interface Alert {
  /** The monitor's name. */
  monitor: string;
  /** The rule's name. */
  rule: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** The window the rule was evaluated on: `[start, end)` in epoch milliseconds (event time). */
  window: { start: number; end: number };
  /** One line for people. */
  message: string;
  /** What the rule found (drifted columns, metric values, failed checks). */
  details: Record<string, unknown>;
  /** When the alert was raised (epoch milliseconds, the monitor's clock). */
  raisedAt: number;
}

/**
 * Where alerts go. Implement `send` to plug in another channel (chat, paging, a queue). `send` should
 * throw when delivery failed; the monitor reports the failure through its `onError` and continues.
 */
export interface AlertSink {
  /** For error messages and logs. */
  readonly name: string;
  send(alert: Alert, options?: { signal?: AbortSignal }): Promise<void>;
  /** Releases what the sink holds; called by the monitor's `close()`. */
  close?(): Promise<void>;
}
