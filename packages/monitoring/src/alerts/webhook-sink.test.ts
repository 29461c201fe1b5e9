import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BallastError } from "@ballast/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "./alert.js";
import { webhookSink } from "./webhook-sink.js";

const alert: Alert = {
  monitor: "churn",
  rule: "feature-drift",
  kind: "drift",
  severity: "warning",
  window: { start: 0, end: 60_000 },
  message: "2 of 3 columns drifted",
  details: { drifted: ["tenure", "spend"] },
  raisedAt: 61_000,
};

interface Received {
  method: string;
  contentType: string | undefined;
  auth: string | undefined;
  body: string;
}

let server: Server | undefined;

/** A real HTTP server on loopback that answers the given statuses in turn (the last one repeats). */
async function serve(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const read = async (req: IncomingMessage) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    return body;
  };
  server = createServer((req, res) => {
    void read(req).then((body) => {
      received.push({
        method: req.method ?? "",
        contentType: req.headers["content-type"],
        auth: req.headers.authorization,
        body,
      });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("webhookSink", () => {
  it("retries 5xx and 429 answers with backoff until the receiver accepts", async () => {
    const { url, received } = await serve([503, 429, 500, 204]);
    const sink = webhookSink({
      url,
      retries: 3,
      initialBackoffMs: 5,
      headers: { authorization: "Bearer t" },
    });
    await sink.send(alert);
    expect(received).toHaveLength(4);
    for (const request of received) {
      expect(request.method).toBe("POST");
      expect(request.contentType).toBe("application/json");
      expect(request.auth).toBe("Bearer t");
      expect(JSON.parse(request.body)).toEqual(alert);
    }
  });

  it("fails with MONITORING_ALERT_DELIVERY_FAILED after the last retry", async () => {
    const { url, received } = await serve([502]);
    const sink = webhookSink({ url, retries: 2, initialBackoffMs: 1 });
    const error = await sink.send(alert).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "MONITORING_ALERT_DELIVERY_FAILED")).toBe(true);
    expect((error as BallastError).details).toMatchObject({ attempts: 3, status: 502 });
    expect((error as BallastError).retryable).toBe(true);
    expect(received).toHaveLength(3);
  });

  it("does not retry a 4xx answer other than 408/425/429", async () => {
    const { url, received } = await serve([400, 204]);
    const sink = webhookSink({ url, retries: 3, initialBackoffMs: 1 });
    const error = await sink.send(alert).catch((e: unknown) => e);
    expect((error as BallastError).details).toMatchObject({ attempts: 1, status: 400 });
    expect(received).toHaveLength(1);
  });

  it("retries when the receiver is unreachable, then reports the network error", async () => {
    const { url } = await serve([204]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const sink = webhookSink({ url, retries: 1, initialBackoffMs: 1 });
    const error = await sink.send(alert).catch((e: unknown) => e);
    expect(BallastError.isInstance(error, "MONITORING_ALERT_DELIVERY_FAILED")).toBe(true);
    expect((error as BallastError).details).toMatchObject({ attempts: 2 });
  });

  it("stops waiting between retries when aborted", async () => {
    const { url } = await serve([503]);
    const sink = webhookSink({ url, retries: 5, initialBackoffMs: 60_000 });
    const controller = new AbortController();
    const pending = sink.send(alert, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(BallastError.isInstance(await pending, "ABORTED")).toBe(true);
  });

  it("refuses invalid options", () => {
    expect(() => webhookSink({ url: "http://127.0.0.1/", retries: -1 })).toThrow(/retries/);
  });
});
