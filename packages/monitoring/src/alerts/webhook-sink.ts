import { BallastError } from "@ballast/core";
import type { AlertSink } from "./alert.js";
import { AlertDeliveryError } from "./alert-errors.js";

/** Options of {@link webhookSink}. */
export interface WebhookSinkOptions {
  /** Where each alert is POSTed as JSON. */
  url: string | URL;
  /** Extra request headers (for example an authorization token). */
  headers?: Readonly<Record<string, string>>;
  /** Attempts after the first one (default 3). */
  retries?: number;
  /** Wait before the first retry in ms (default 500); doubled for each further retry. */
  initialBackoffMs?: number;
  /** Upper bound of one wait in ms (default 10 000). */
  maxBackoffMs?: number;
  /** Limit of one attempt in ms (default 10 000). */
  timeoutMs?: number;
  /** The fetch to use (default the global `fetch`). */
  fetch?: typeof fetch;
}

/** Statuses worth retrying: timeouts, rate limits and server errors. Other 4xx will fail again. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): BallastError {
  return new BallastError("ABORTED", "Sending the alert was aborted.", { cause: signal.reason });
}

/**
 * A sink that POSTs each alert as JSON (`content-type: application/json`) to a URL. A network error,
 * a timeout or a 408/425/429/5xx answer is retried with exponential backoff (`initialBackoffMs`,
 * doubled each time, capped at `maxBackoffMs`, with up to 20% random jitter so many monitors do not
 * retry in step); any other non-2xx answer fails at once. Receivers should be idempotent: a retry
 * after a lost response delivers the alert twice.
 *
 * @throws AlertDeliveryError `MONITORING_ALERT_DELIVERY_FAILED` after the last attempt (cause: the
 *   last error; details: attempts, last status).
 * @example
 * const sink = webhookSink({ url: "https://hooks.example.com/ml-alerts", retries: 5 });
 */
export function webhookSink(options: WebhookSinkOptions): AlertSink {
  const url = new URL(options.url);
  const retries = options.retries ?? 3;
  const initial = options.initialBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  if (!Number.isInteger(retries) || retries < 0 || !(initial >= 0) || !(maxBackoff >= 0)) {
    throw new BallastError("MONITORING_OPTIONS_INVALID", "Invalid webhook sink options.", {
      hint: "Pass retries as a non-negative integer and backoff times as non-negative milliseconds.",
      details: { retries, initialBackoffMs: initial, maxBackoffMs: maxBackoff },
    });
  }
  return {
    name: `webhook ${url.origin}${url.pathname}`,
    async send(alert, sendOptions = {}) {
      const body = JSON.stringify(alert);
      let lastError: unknown;
      let lastStatus: number | undefined;
      let attempts = 0;
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) {
          const base = Math.min(maxBackoff, initial * 2 ** (attempt - 1));
          await sleep(base * (1 + 0.2 * Math.random()), sendOptions.signal);
        }
        attempts++;
        const signals = [AbortSignal.timeout(timeoutMs)];
        if (sendOptions.signal) signals.push(sendOptions.signal);
        try {
          const response = await doFetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...options.headers },
            body,
            signal: AbortSignal.any(signals),
          });
          // Drain the body so the connection is reused.
          await response.arrayBuffer().catch(() => undefined);
          if (response.ok) return;
          lastStatus = response.status;
          lastError = new Error(`HTTP ${response.status} ${response.statusText}`);
          if (!retryableStatus(response.status)) break;
        } catch (error) {
          if (sendOptions.signal?.aborted) throw abortError(sendOptions.signal);
          lastError = error;
          lastStatus = undefined;
        }
      }
      throw new AlertDeliveryError(
        `The webhook ${url.origin}${url.pathname} did not accept alert "${alert.rule}" of monitor "${alert.monitor}" (${lastStatus === undefined ? String(lastError) : `HTTP ${lastStatus}`}).`,
        {
          hint: "Check that the receiver is up and answers 2xx; raise `retries` for a flaky receiver.",
          cause: lastError,
          details: { url: url.href, attempts, ...(lastStatus ? { status: lastStatus } : {}) },
        },
      );
    },
  };
}
