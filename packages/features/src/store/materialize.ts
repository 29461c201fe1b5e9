import { BallastError, type Duration, parseDuration } from "@ballast/core";
import type { Table } from "apache-arrow";
import { closestMatch } from "../definitions/closest-match.js";
import { FeatureError } from "../errors/feature-error.js";
import { FeatureNotFoundError } from "../errors/feature-not-found-error.js";
import { latestValues } from "../offline/latest-values.js";
import { CREATED_TS_COLUMN, EVENT_TS_COLUMN, scanSource } from "../offline/scan-source.js";
import { serializeEntityKey } from "../online-store/entity-key.js";
import type { OnlineRecord, OnlineValue } from "../online-store/types.js";
import { onlineNamespace, type ViewSpec } from "../registry/object-spec.js";
import { valueAt } from "./arrow-values.js";
import { htmlTable } from "./html-table.js";
import { concatScans, sourceFileRanges } from "./source-file-ranges.js";
import { offlineSource, type StoreContext, scanColumns } from "./store-context.js";

/** Progress of a materialization, reported after each committed chunk of each view. */
export interface MaterializeProgressEvent {
  view: string;
  version: number;
  /** The chunk just committed: [chunkStart, chunkEnd) in epoch ms. */
  chunkStart: number;
  chunkEnd: number;
  /** 1-based index of the chunk among this view's chunks of this call, and their count. */
  chunk: number;
  chunks: number;
  /** Entities written in this chunk, and skipped because the store held a newer event. */
  written: number;
  skippedOlder: number;
}

/** Options of `store.materialize`. */
export interface MaterializeOptions {
  /** Event-time interval [start, end) to load (Date or epoch ms). */
  start: Date | number;
  end: Date | number;
  /** View names (default: every online view). */
  views?: readonly string[];
  /**
   * Width of one chunk (default: an eighth of the interval, at least one hour). Each chunk is one
   * streaming scan of the source and one commit of the watermark; a killed run resumes from the
   * last committed chunk.
   */
  chunkSize?: Duration;
  /** Records per online write (default 10,000). */
  writeBatchSize?: number;
  onProgress?: (event: MaterializeProgressEvent) => void;
  signal?: AbortSignal;
}

/** What one view's materialization did. */
export interface ViewMaterialization {
  view: string;
  version: number;
  /** Where this call started: `start`, or the resume point of an interrupted run of the same interval. */
  resumedFrom: number;
  end: number;
  chunks: number;
  written: number;
  skippedOlder: number;
  /** The view's watermark after the call (event time materialization reached). */
  watermark: number;
}

/** The result of `materialize`/`materializeIncremental`. */
export class MaterializeReport {
  readonly views: readonly ViewMaterialization[];

  constructor(views: readonly ViewMaterialization[]) {
    this.views = views;
  }

  get written(): number {
    return this.views.reduce((sum, v) => sum + v.written, 0);
  }

  toHTML(): string {
    return htmlTable(
      ["view", "version", "from", "to", "chunks", "written", "skipped older", "watermark"],
      this.views.map((v) => [
        v.view,
        v.version,
        new Date(v.resumedFrom).toISOString(),
        new Date(v.end).toISOString(),
        v.chunks,
        v.written,
        v.skippedOlder,
        new Date(v.watermark).toISOString(),
      ]),
      { caption: "Materialization" },
    );
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML() };
  }
}

const HOUR_MS = 3_600_000;

function epoch(value: Date | number, name: string): number {
  const ms = typeof value === "number" ? value : value.getTime();
  if (!Number.isFinite(ms)) {
    throw new BallastError("VALIDATION_FAILED", `materialize: ${name} is not a valid time.`, {
      hint: "Pass a Date or epoch milliseconds.",
    });
  }
  return ms;
}

/** The online views a materialization covers. */
export function materializationTargets(
  views: readonly ViewSpec[],
  names: readonly string[] | undefined,
): ViewSpec[] {
  if (names === undefined) return views.filter((v) => v.online && offlineSourceOrNull(v) !== null);
  return names.map((name) => {
    const view = views.find((v) => v.name === name);
    if (!view)
      throw new FeatureNotFoundError(
        "feature view",
        name,
        closestMatch(
          name,
          views.map((v) => v.name),
        ),
        views.length,
      );
    if (!view.online) {
      throw new FeatureError(
        "FEATURE_VIEW_NOT_ONLINE",
        `Feature view "${name}" is not online (online: false).`,
        {
          hint: "Set online: true on the view to materialize it.",
        },
      );
    }
    offlineSource(view);
    return view;
  });
}

function offlineSourceOrNull(view: ViewSpec) {
  return view.source.kind === "parquet-source" ? view.source : view.source.batchSource;
}

/** Online records of rows [from, to) of a latest-values table (converted per write batch to bound memory). */
function toRecords(view: ViewSpec, table: Table, from: number, to: number): OnlineRecord[] {
  const keys = Object.keys(view.joinKeys);
  const keyColumns = keys.map((k) => table.getChild(k)!);
  const eventTs = table.getChild(EVENT_TS_COLUMN)!;
  const createdTs = table.getChild(CREATED_TS_COLUMN);
  const featureColumns = view.features.map((f) => table.getChild(f.name)!);
  const records: OnlineRecord[] = new Array(to - from);
  const entity: Record<string, never> = {};
  for (let i = from; i < to; i++) {
    for (let k = 0; k < keys.length; k++)
      (entity as Record<string, unknown>)[keys[k]!] = valueAt(keyColumns[k]!, i);
    const created = createdTs ? (valueAt(createdTs, i) as number | null) : null;
    records[i - from] = {
      entityKey: serializeEntityKey(entity, view.joinKeys),
      eventTime: valueAt(eventTs, i) as number,
      ...(created !== null ? { createdTime: created } : {}),
      values: featureColumns.map((c) => valueAt(c, i) as OnlineValue),
    };
  }
  return records;
}

interface JobRow {
  done_until_ms: number;
  status: "running" | "done";
}

/**
 * Materializes one view over [start, end): resumes an interrupted run of the same interval from its
 * last committed chunk, then per chunk computes each entity's latest row in the chunk, writes it to
 * the online store (which keeps the newer of stored and written), and commits the chunk's end as
 * the job's progress and the view's watermark.
 */
async function materializeView(
  ctx: StoreContext,
  view: ViewSpec,
  start: number,
  end: number,
  options: MaterializeOptions,
): Promise<ViewMaterialization> {
  const source = offlineSource(view);
  const online = await ctx.online();
  const key = [ctx.workspaceId, view.name, view.version, start, end] as const;
  const now = () => new Date(ctx.clock.now());
  const job = await ctx.db.query<JobRow>(
    `SELECT done_until_ms, status FROM features_materializations
     WHERE workspace_id = $1 AND view = $2 AND view_version = $3 AND start_ms = $4 AND end_ms = $5`,
    [...key],
  );
  const previous = job.rows[0];
  const resumedFrom =
    previous?.status === "running" ? Math.max(start, Number(previous.done_until_ms)) : start;
  await ctx.db.query(
    `INSERT INTO features_materializations (workspace_id, view, view_version, start_ms, end_ms, done_until_ms, status, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'running', $7)
     ON CONFLICT (workspace_id, view, view_version, start_ms, end_ms)
     DO UPDATE SET done_until_ms = EXCLUDED.done_until_ms, status = 'running', updated_at = EXCLUDED.updated_at`,
    [...key, resumedFrom, now()],
  );
  const chunkMs =
    options.chunkSize !== undefined
      ? parseDuration(options.chunkSize)
      : Math.max(HOUR_MS, Math.ceil((end - start) / 8));
  if (!(chunkMs > 0)) {
    throw new BallastError("VALIDATION_FAILED", "materialize: chunkSize must be longer than 0.", {
      hint: 'Use "1d", "6h" or milliseconds.',
    });
  }
  const batchSize = options.writeBatchSize ?? 10_000;
  const chunks = Math.max(0, Math.ceil((end - resumedFrom) / chunkMs));
  let written = 0;
  let skippedOlder = 0;
  let watermark = resumedFrom;
  // Several chunks of a folder source: learn each file's time range once, then skip files per chunk.
  const ranges =
    chunks > 1 && !source.path.endsWith(".parquet")
      ? await sourceFileRanges(ctx.blobs, source, options.signal)
      : undefined;
  for (let c = 0; c < chunks; c++) {
    if (options.signal?.aborted) {
      throw new BallastError(
        "ABORTED",
        `Materializing "${view.name}" was aborted; rerun the same interval to resume from ${new Date(watermark).toISOString()}.`,
        {
          cause: options.signal.reason,
          details: { view: view.name, version: view.version, doneUntil: watermark },
        },
      );
    }
    const chunkStart = resumedFrom + c * chunkMs;
    const chunkEnd = Math.min(end, chunkStart + chunkMs);
    const scanChunk = (path: string) =>
      scanSource({
        store: ctx.blobs,
        path,
        timestampField: source.timestampField,
        ...(source.createdTimestampField ? { createdTimestampField: source.createdTimestampField } : {}),
        fieldMapping: source.fieldMapping,
        columns: scanColumns(view, view.features),
        start: chunkStart,
        end: chunkEnd,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    // With file ranges, only the files whose event times meet the chunk are read, in key order.
    const files = ranges?.filter((r) => r.max >= chunkStart && r.min < chunkEnd).map((r) => r.key);
    const latest = await latestValues({
      joinKeys: Object.keys(view.joinKeys),
      keyTypes: view.joinKeys,
      hasCreatedTimestamp: source.createdTimestampField !== null,
      features: view.features.map((f) => ({ column: f.name, outputName: f.name, type: f.type })),
      start: chunkStart,
      end: chunkEnd,
      batches: () => (files ? concatScans(files.map((key) => () => scanChunk(key))) : scanChunk(source.path)),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let chunkWritten = 0;
    let chunkSkipped = 0;
    for (let i = 0; i < latest.numRows; i += batchSize) {
      const result = await online.write({
        view: onlineNamespace(view),
        features: view.features,
        records: toRecords(view, latest, i, Math.min(latest.numRows, i + batchSize)),
        ...(view.onlineExpiryMs !== null ? { expireAfterMs: view.onlineExpiryMs } : {}),
      });
      chunkWritten += result.written;
      chunkSkipped += result.skippedOlder;
    }
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE features_materializations SET done_until_ms = $6, updated_at = $7
         WHERE workspace_id = $1 AND view = $2 AND view_version = $3 AND start_ms = $4 AND end_ms = $5`,
        [...key, chunkEnd, now()],
      );
      await tx.query(
        `INSERT INTO features_watermarks (workspace_id, view, view_version, watermark_ms, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, view, view_version)
         DO UPDATE SET watermark_ms = GREATEST(features_watermarks.watermark_ms, EXCLUDED.watermark_ms), updated_at = EXCLUDED.updated_at`,
        [ctx.workspaceId, view.name, view.version, chunkEnd, now()],
      );
    });
    watermark = chunkEnd;
    written += chunkWritten;
    skippedOlder += chunkSkipped;
    options.onProgress?.({
      view: view.name,
      version: view.version,
      chunkStart,
      chunkEnd,
      chunk: c + 1,
      chunks,
      written: chunkWritten,
      skippedOlder: chunkSkipped,
    });
  }
  await ctx.db.query(
    `UPDATE features_materializations SET status = 'done', done_until_ms = $6, updated_at = $7
     WHERE workspace_id = $1 AND view = $2 AND view_version = $3 AND start_ms = $4 AND end_ms = $5`,
    [...key, end, now()],
  );
  return {
    view: view.name,
    version: view.version,
    resumedFrom,
    end,
    chunks,
    written,
    skippedOlder,
    watermark: (await readWatermark(ctx, view)) ?? end,
  };
}

/** The view version's watermark (epoch ms), or undefined before its first materialization. */
export async function readWatermark(
  ctx: StoreContext,
  view: Pick<ViewSpec, "name" | "version">,
): Promise<number | undefined> {
  const { rows } = await ctx.db.query<{ watermark_ms: number }>(
    "SELECT watermark_ms FROM features_watermarks WHERE workspace_id = $1 AND view = $2 AND view_version = $3",
    [ctx.workspaceId, view.name, view.version],
  );
  return rows[0] === undefined ? undefined : Number(rows[0].watermark_ms);
}

/** `store.materialize`: see FeatureStore. */
export async function materialize(
  ctx: StoreContext,
  options: MaterializeOptions,
): Promise<MaterializeReport> {
  const start = epoch(options.start, "start");
  const end = epoch(options.end, "end");
  if (end < start) {
    throw new BallastError("VALIDATION_FAILED", "materialize: end is before start.", {
      hint: "Pass start <= end.",
    });
  }
  const snapshot = await ctx.snapshot();
  const views = materializationTargets(
    snapshot.active("feature-view").map((o) => o.spec),
    options.views,
  );
  const results: ViewMaterialization[] = [];
  for (const view of views) results.push(await materializeView(ctx, view, start, end, options));
  return new MaterializeReport(results);
}

/** Options of `store.materializeIncremental`. */
export type MaterializeIncrementalOptions = Omit<MaterializeOptions, "start">;

/** `store.materializeIncremental`: each view from its watermark (or the beginning of time) to `end`. */
export async function materializeIncremental(
  ctx: StoreContext,
  options: MaterializeIncrementalOptions,
): Promise<MaterializeReport> {
  const end = epoch(options.end, "end");
  const snapshot = await ctx.snapshot();
  const views = materializationTargets(
    snapshot.active("feature-view").map((o) => o.spec),
    options.views,
  );
  const results: ViewMaterialization[] = [];
  for (const view of views) {
    const start = Math.min(end, (await readWatermark(ctx, view)) ?? 0);
    results.push(await materializeView(ctx, view, start, end, { ...options, start, end }));
  }
  return new MaterializeReport(results);
}
