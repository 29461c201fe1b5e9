import {
  BallastError,
  type Clock,
  type Duration,
  decodePredictionLogRecord,
  type EventBatch,
  type EventConsumer,
  type EventStream,
  type MetadataDatabase,
  type PredictionLogRecord,
  parseDuration,
  type StartPosition,
  systemClock,
} from "@ballast/core";
import type { Alert, AlertSink } from "../alerts/alert.js";
import { type DriftReference, isDatasetProfile } from "../drift/compare.js";
import type { DriftReport } from "../drift/drift-report.js";
import { createProfileStore } from "../profile/profile-store.js";
import { evaluateRule, type RuleContext } from "./evaluate-rule.js";
import { overlapCount, type WindowBounds, type WindowOptions, windowSpec } from "./event-time-windows.js";
import { MonitorOptionsError } from "./monitor-error.js";
import { PartitionWatermarks } from "./partition-watermarks.js";
import type { MonitorRule, RuleResult } from "./rules.js";
import { type ClosedWindow, WindowAggregator } from "./window-aggregator.js";
import { createWindowStore, type WindowResult, type WindowStore } from "./window-store.js";

/** Where a monitor reads the prediction log. */
export interface MonitorSource {
  stream: EventStream;
  topic: string;
  /**
   * Consumer group: the monitor resumes after the group's committed offsets. A batch is committed
   * only once every window its records fell into has closed and been stored, so a restart replays
   * what was not yet decided (windows already stored keep their first result).
   */
  group?: string;
  /** Where to start without committed offsets (default `"earliest"`). */
  start?: StartPosition;
  /** Only records of this model (default: every record on the topic). */
  model?: string;
  /** Records per batch read (default 1000). */
  maxBatchRecords?: number;
  /**
   * How long to wait for a partition that held records at start but delivers none (for example one
   * a consumer group already read to the end) before it stops holding the watermark back
   * (default 2 s of wall-clock time).
   */
  idleTimeout?: Duration;
}

/**
 * Multiple-testing correction of p-value thresholds (distances are not corrected):
 * - `"bonferroni-windows"` (default): divide by the number of overlapping windows, `ceil(size/slide)`
 *   (1 for tumbling windows), since every record is tested that many times;
 * - `"bonferroni-windows-columns"`: also divide by the number of compared columns, bounding the chance
 *   of any false column alarm rather than the per-column rate;
 * - `"none"`.
 */
export type MultipleTestingCorrection = "none" | "bonferroni-windows" | "bonferroni-windows-columns";

/** What `onRetrain` receives. */
export interface RetrainRequest {
  monitor: string;
  rule: string;
  window: WindowBounds;
  result: RuleResult;
}

/** Options of {@link createMonitor}. */
export interface MonitorOptions {
  /** Names stored windows and alerts; unique per workspace. */
  name: string;
  source: MonitorSource;
  /**
   * The reference: a stored profile, data (an Arrow table or rows), or the name of a profile in the
   * profile store (needs `store`; the latest version is loaded when the monitor starts).
   */
  reference: DriftReference | string;
  windows: WindowOptions;
  rules: readonly MonitorRule[];
  sinks?: readonly AlertSink[];
  /** Where window results are stored (`monitoring_windows`) and named profiles are read. */
  store?: { database: MetadataDatabase; workspace: string };
  /** Called for rules with the `"retrain"` action when they fire (adapters plug in a training job). */
  onRetrain?: (request: RetrainRequest) => void | Promise<void>;
  /** Called after each window closed and was stored. */
  onWindow?: (result: WindowResult, reports: ReadonlyMap<string, DriftReport>) => void | Promise<void>;
  /**
   * Called for errors the monitor survives: undecodable records, failed alert deliveries, failed
   * retrain callbacks. Default: ignored (they are counted in `stats()`).
   */
  onError?: (error: unknown) => void;
  /** Default `"bonferroni-windows"`. */
  correction?: MultipleTestingCorrection;
  /** The row key of the label in drift and quality rules (default `"label"`). */
  labelColumn?: string;
  /** Aborting closes the monitor. */
  signal?: AbortSignal;
  /** Time source of `closedAt` and `raisedAt` (default: the system clock). */
  clock?: Clock;
}

/** Counters of a running monitor. */
export interface MonitorStats {
  /** Records read from the stream. */
  read: number;
  /** Records counted in at least one window. */
  counted: number;
  /** Records of other models (with `source.model`). */
  skipped: number;
  /** Records that did not decode as prediction-log records. */
  invalid: number;
  /** Records that arrived after every window they belong to had closed. */
  lateDropped: number;
  windowsClosed: number;
  alertsSent: number;
  alertFailures: number;
  /** Event-time watermark (−∞ before the first record). */
  watermark: number;
  openWindows: number;
}

/** A running monitor. */
export interface Monitor extends AsyncDisposable {
  readonly name: string;
  /** Resolves when the monitor stops (close, abort); rejects when reading the stream failed. */
  readonly done: Promise<void>;
  stats(): MonitorStats;
  /**
   * Waits until every record appended to the topic before this call has been processed (up to the
   * partitions' high watermarks at the time of the call).
   */
  drain(): Promise<void>;
  /** Closes every open window now, whatever the watermark (end of input), and returns their results. */
  flush(): Promise<WindowResult[]>;
  /** Stored results, newest first (needs `store`). */
  windows(options?: { limit?: number }): Promise<WindowResult[]>;
  /** Stops reading; open windows are discarded (call `flush` first to keep them). Safe to call twice. */
  close(): Promise<void>;
}

function validate(options: MonitorOptions): void {
  if (!options.name) {
    throw new MonitorOptionsError("A monitor needs a name.", {
      hint: 'Pass createMonitor({ name: "churn", ... }).',
    });
  }
  const names = new Set<string>();
  for (const rule of options.rules) {
    if (!rule.name || names.has(rule.name)) {
      throw new MonitorOptionsError(
        `Rule names must be unique and non-empty; got "${rule.name}" twice or empty.`,
        {
          hint: "Give every rule a distinct name.",
          details: { rule: rule.name },
        },
      );
    }
    names.add(rule.name);
    if (rule.actions?.includes("retrain") && !options.onRetrain) {
      throw new MonitorOptionsError(
        `Rule "${rule.name}" has the "retrain" action but the monitor has no onRetrain.`,
        {
          hint: "Pass onRetrain (for example a training backend's submit), or drop the action.",
          details: { rule: rule.name },
        },
      );
    }
    if (rule.kind === "performance" && rule.min === undefined && rule.max === undefined) {
      throw new MonitorOptionsError(`Performance rule "${rule.name}" needs min or max.`, {
        hint: 'For example { metric: "accuracy", min: 0.9 }.',
        details: { rule: rule.name },
      });
    }
  }
  if (typeof options.reference === "string" && !options.store) {
    throw new MonitorOptionsError(
      `The reference "${options.reference}" names a stored profile, but no store was given.`,
      {
        hint: "Pass store: { database, workspace }, or pass the profile itself.",
      },
    );
  }
}

/**
 * Starts a monitor: it reads prediction-log records from an event stream, groups them into
 * event-time windows (tumbling or sliding, aligned to the epoch), closes a window once the watermark
 * (largest event time seen minus `allowedLateness`) passes its end, evaluates the rules on it,
 * stores the result in `monitoring_windows`, and sends an alert per fired rule to every sink.
 *
 * With several partitions the watermark is the slowest partition's (see `PartitionWatermarks`), so
 * a partition read ahead of another does not make the other's records late. Windows close only as
 * newer records arrive; call `flush()` at the end of a finite input.
 *
 * @throws MonitorOptionsError `MONITORING_OPTIONS_INVALID` for bad windows or rules;
 *   `STREAM_TOPIC_NOT_FOUND` from the stream; profile-store errors for a named reference.
 * @example
 * await using monitor = await createMonitor({
 *   name: "churn", source: { stream, topic: "predictions", group: "churn-monitor" },
 *   reference: "churn-reference", store: { database, workspace: "default" },
 *   windows: { size: "1h", allowedLateness: "5m" },
 *   rules: [{ kind: "drift", name: "features" }], sinks: [webhookSink({ url })],
 * });
 */
export async function createMonitor(options: MonitorOptions): Promise<Monitor> {
  validate(options);
  const spec = windowSpec(options.windows);
  const clock = options.clock ?? systemClock;
  const sinks = options.sinks ?? [];
  const correction = options.correction ?? "bonferroni-windows";
  let store: WindowStore | undefined;
  let reference: DriftReference;
  if (options.store)
    store = await createWindowStore(options.store.database, { workspace: options.store.workspace });
  if (typeof options.reference === "string") {
    const profiles = createProfileStore(options.store!.database, { workspace: options.store!.workspace });
    reference = (await profiles.load(options.reference)).profile;
  } else {
    reference = options.reference;
  }
  if (!isDatasetProfile(reference) && !("schema" in reference) && !Array.isArray(reference)) {
    throw new MonitorOptionsError(
      "The reference must be a DatasetProfile, an Arrow table, rows or a profile name.",
      {
        hint: "Pass profile(referenceTable), the table itself, or the name of a stored profile.",
      },
    );
  }
  const windowDivisor = correction === "none" ? 1 : overlapCount(spec);
  const ctxBase = {
    reference,
    labelColumn: options.labelColumn ?? "label",
    pValueDivisor: (columns: number) =>
      windowDivisor * (correction === "bonferroni-windows-columns" ? Math.max(1, columns) : 1),
  };

  const aggregator = new WindowAggregator(spec);
  const watermarks = new PartitionWatermarks(spec.allowedLateness);
  const idleTimeout = parseDuration(options.source.idleTimeout ?? 2000);
  /** Partitions given up on by the idle rule while they still had unread records. */
  const givenUp = new Set<number>();
  let lastLook = Number.NEGATIVE_INFINITY;
  let lastBatchAt = Date.now();
  /** Marks partitions with unread records as holding the watermark back (unless forced, at most once a second). */
  async function lookAtPartitions(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - lastLook < 1000) return;
    lastLook = now;
    const info = await options.source.stream.describeTopic(options.source.topic);
    for (const p of info.partitions) {
      const readUpTo = processed.get(p.partition) ?? p.earliestOffset - 1;
      if (p.highWatermark > p.earliestOffset && readUpTo < p.highWatermark - 1 && !givenUp.has(p.partition)) {
        watermarks.expect(p.partition, now);
      }
    }
  }
  const stats: Omit<MonitorStats, "watermark" | "openWindows"> = {
    read: 0,
    counted: 0,
    skipped: 0,
    invalid: 0,
    lateDropped: 0,
    windowsClosed: 0,
    alertsSent: 0,
    alertFailures: 0,
  };
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A throwing error handler must not stop the monitor; the error is already counted.
    }
  };
  /** Late arrivals per closed window, written to the store after each batch. */
  const late = new Map<string, { bounds: WindowBounds; count: number }>();
  /** Batches waiting to be committed: each with the latest window end its records fell into. */
  const uncommitted: { batch: EventBatch; until: number }[] = [];
  /** Highest offset processed per partition, for drain(). */
  const processed = new Map<number, number>();
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  async function closeWindow(window: ClosedWindow): Promise<WindowResult> {
    const reports = new Map<string, DriftReport>();
    const ctx: RuleContext = { ...ctxBase, reports };
    const results = options.rules.map((rule) => evaluateRule(rule, window, ctx));
    const raisedAt = clock.now();
    const alerts: Alert[] = [];
    for (const [i, result] of results.entries()) {
      const rule = options.rules[i]!;
      if (result.status !== "fired" || !(rule.actions ?? ["alert"]).includes("alert")) continue;
      alerts.push({
        monitor: options.name,
        rule: rule.name,
        kind: rule.kind,
        severity: rule.severity ?? "warning",
        window: { start: window.start, end: window.end },
        message: `${options.name}/${rule.name}: ${result.message}`,
        details: result.kind === "drift" ? { drifted: result.details.drifted } : result.details,
        raisedAt,
      });
    }
    const result: WindowResult = {
      monitor: options.name,
      start: window.start,
      end: window.end,
      recordCount: window.records.length,
      labelledCount: window.records.filter((r) => r.label !== undefined && r.label !== null).length,
      lateDropped: window.lateDropped,
      status: results.some((r) => r.status === "fired")
        ? "alert"
        : results.some((r) => r.status === "error")
          ? "error"
          : "ok",
      results,
      alerts,
      closedAt: raisedAt,
    };
    // A window replayed after a restart is already stored: its alerts were sent then.
    const fresh = store ? await store.insert(result) : true;
    stats.windowsClosed++;
    if (!fresh) return result;
    for (const alert of alerts) {
      for (const sink of sinks) {
        try {
          await sink.send(alert, { signal: controller.signal });
          stats.alertsSent++;
        } catch (error) {
          stats.alertFailures++;
          report(error);
        }
      }
    }
    for (const [i, r] of results.entries()) {
      const rule = options.rules[i]!;
      if (r.status === "fired" && rule.actions?.includes("retrain")) {
        try {
          await options.onRetrain!({
            monitor: options.name,
            rule: rule.name,
            window: { start: window.start, end: window.end },
            result: r,
          });
        } catch (error) {
          report(error);
        }
      }
    }
    if (options.onWindow) {
      try {
        await options.onWindow(result, reports);
      } catch (error) {
        report(error);
      }
    }
    return result;
  }

  async function processBatch(batch: EventBatch): Promise<void> {
    // A partition that starts delivering after being idle: others may have new records too.
    await lookAtPartitions(!watermarks.isPending(batch.partition));
    givenUp.delete(batch.partition);
    let until = Number.NEGATIVE_INFINITY;
    const now = Date.now();
    for (const raw of batch.records) {
      stats.read++;
      let record: PredictionLogRecord;
      try {
        record = decodePredictionLogRecord(raw);
      } catch (error) {
        stats.invalid++;
        report(error);
        continue;
      }
      if (options.source.model !== undefined && record.model !== options.source.model) {
        watermarks.observe(batch.partition, record.eventTime, now);
        stats.skipped++;
        continue;
      }
      const added = aggregator.add(record);
      watermarks.observe(batch.partition, record.eventTime, now);
      aggregator.advance(watermarks.value);
      if (added.counted) stats.counted++;
      else stats.lateDropped++;
      for (const bounds of added.droppedFrom) {
        const key = `${bounds.start}:${bounds.end}`;
        const entry = late.get(key) ?? { bounds, count: 0 };
        entry.count++;
        late.set(key, entry);
      }
      until = Math.max(until, Math.floor(record.eventTime / spec.slide) * spec.slide + spec.size);
      for (const window of aggregator.drain()) await closeWindow(window);
    }
    const lastOffset = batch.records[batch.records.length - 1]!.offset;
    processed.set(batch.partition, lastOffset);
    lastBatchAt = Date.now();
    watermarks.batchDone(batch.partition, lastOffset + 1 >= batch.highWatermark, lastBatchAt);
    aggregator.advance(watermarks.value);
    for (const window of aggregator.drain()) await closeWindow(window);
    if (store) {
      for (const { bounds, count } of late.values()) {
        await store.addLateDropped(options.name, bounds.start, bounds.end, count);
      }
    }
    late.clear();
    uncommitted.push({ batch, until });
    await commitReady();
    wakeDrainers();
  }

  async function commitReady(): Promise<void> {
    while (uncommitted.length > 0 && uncommitted[0]!.until <= aggregator.watermark) {
      const { batch } = uncommitted.shift()!;
      await consumer?.commit(batch);
    }
  }

  let drainers: (() => void)[] = [];
  const wakeDrainers = () => {
    const waiting = drainers;
    drainers = [];
    for (const wake of waiting) wake();
  };

  const controller = new AbortController();
  const onAbort = () => void close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let consumer: EventConsumer | undefined = await options.source.stream.consume({
    topic: options.source.topic,
    ...(options.source.group ? { group: options.source.group } : {}),
    start: options.source.start ?? "earliest",
    maxBatchRecords: options.source.maxBatchRecords ?? 1000,
    signal: controller.signal,
  });
  let closed = false;
  await lookAtPartitions(true);
  // When the consumer has delivered nothing for `idleTimeout`, partitions that still hold the
  // watermark back are not going to deliver (for example ones a group already read to the end).
  const idleTimer = setInterval(() => {
    void serial(async () => {
      if (closed) return;
      const before = Date.now() - idleTimeout;
      if (lastBatchAt > before) return;
      const idle = watermarks.markIdle(before);
      if (idle.length === 0) return;
      for (const p of idle) givenUp.add(p);
      aggregator.advance(watermarks.value);
      for (const window of aggregator.drain()) await closeWindow(window);
      await commitReady();
      wakeDrainers();
    }).catch(report);
  }, idleTimeout);
  idleTimer.unref?.();
  const done = (async () => {
    try {
      for await (const batch of consumer!) {
        await serial(() => processBatch(batch));
        if (closed) break;
      }
    } catch (error) {
      if (!(closed && BallastError.isInstance(error, "ABORTED"))) throw error;
    } finally {
      wakeDrainers();
    }
  })();
  // Observed through `done`; without a listener a failure would be an unhandled rejection.
  done.catch(() => undefined);

  async function close(): Promise<void> {
    if (closed) return done.catch(() => undefined);
    closed = true;
    clearInterval(idleTimer);
    options.signal?.removeEventListener("abort", onAbort);
    controller.abort();
    const c = consumer;
    consumer = undefined;
    await c?.close();
    await done.catch(() => undefined);
    await chain;
    for (const sink of sinks) await sink.close?.();
  }

  async function drain(): Promise<void> {
    const topic = await options.source.stream.describeTopic(options.source.topic);
    const target = topic.partitions.filter((p) => p.highWatermark > p.earliestOffset);
    // A partition that delivered nothing by the idle timeout was read to its end by the group before.
    const caughtUp = () =>
      target.every(
        (p) => (processed.get(p.partition) ?? -1) >= p.highWatermark - 1 || givenUp.has(p.partition),
      );
    while (!caughtUp() && !closed) {
      await Promise.race([
        new Promise<void>((resolve) => drainers.push(resolve)),
        done.catch(() => undefined),
      ]);
    }
    await chain;
  }

  return {
    name: options.name,
    done,
    stats: () => ({ ...stats, watermark: aggregator.watermark, openWindows: aggregator.openWindows }),
    drain,
    flush: () =>
      serial(async () => {
        const out: WindowResult[] = [];
        for (const window of aggregator.flush()) out.push(await closeWindow(window));
        return out;
      }),
    windows: async (listOptions = {}) => {
      if (!store) {
        throw new MonitorOptionsError("This monitor stores no windows.", {
          hint: "Pass store: { database, workspace }.",
        });
      }
      return store.list(options.name, listOptions);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
