import { BallastError, type EventRecord, type EventStream, type StartPosition } from "@ballast/core";
import type { PushSourceDefinition } from "../definitions/sources.js";
import { FeatureError } from "../errors/feature-error.js";
import { FeaturePushRowInvalidError } from "../errors/feature-push-row-invalid-error.js";
import type { EntityRow } from "./entity-table.js";
import { coerceJsonRow } from "./json-row.js";
import { type PushTarget, push, resolvePushSource } from "./push.js";
import type { StoreContext } from "./store-context.js";

/** Progress of `ingestStream`, after each batch is pushed and committed. */
export interface IngestBatchEvent {
  partition: number;
  /** Offset of the batch's last record. */
  lastOffset: number;
  records: number;
  /** Rows pushed from the batch, and rows skipped as invalid (with `onInvalid: "skip"`). */
  rows: number;
  skipped: number;
  /** Records of the partition not yet read when the batch was fetched. */
  lag: number;
}

/** Options of `store.ingestStream`. */
export interface IngestStreamOptions {
  /** The topic to read; each record's value is one row (or an array of rows). */
  topic: string;
  /** The event stream (default: the workspace's, `workspace.stream()`). */
  stream?: EventStream;
  /** Consumer group whose committed offsets make a restarted ingestion resume (default `features.<source>`). */
  group?: string;
  /** Where a group that never committed starts (default `"earliest"`). */
  start?: StartPosition;
  /** Default `"online"`; `"both"` also appends each batch to the batch source as one Parquet file. */
  to?: PushTarget;
  /**
   * Turns a record into rows. Default: the value is JSON (an object or an array of objects), with
   * int64 columns as numbers or digit strings, timestamps as epoch ms or ISO-8601, bytes as base64.
   */
  decode?: (record: EventRecord) => EntityRow | readonly EntityRow[];
  /**
   * A row that fails validation: `"throw"` (default) stops with `FEATURE_PUSH_ROW_INVALID` naming the
   * partition and offset, before the batch is committed; `"skip"` drops the row, counts it and goes on.
   */
  onInvalid?: "throw" | "skip";
  /** Records per batch (default 1000). */
  maxBatchRecords?: number;
  onBatch?: (event: IngestBatchEvent) => void;
  /** Stops the ingestion; the call then resolves with what was ingested. */
  signal?: AbortSignal;
}

/** What `ingestStream` ingested before it stopped. */
export interface IngestStreamResult {
  batches: number;
  records: number;
  rows: number;
  skipped: number;
}

const decoder = new TextDecoder();

/**
 * `store.ingestStream`: consumes a topic in a consumer group and pushes each batch of records to a
 * push source (validated like `push`), committing the batch after it is written: at-least-once, and
 * a redelivered batch writes the same online state (newer-wins). Runs until `signal` aborts.
 */
export async function ingestStream(
  ctx: StoreContext,
  source: PushSourceDefinition | string,
  options: IngestStreamOptions,
): Promise<IngestStreamResult> {
  const resolved = await resolvePushSource(ctx, source);
  const stream = options.stream ?? (await ctx.stream());
  const decode =
    options.decode ??
    ((record: EventRecord) => {
      const parsed: unknown = JSON.parse(decoder.decode(record.value));
      const rows = Array.isArray(parsed) ? parsed : [parsed];
      return rows.map((row) =>
        typeof row === "object" && row !== null
          ? coerceJsonRow(row as Record<string, unknown>, resolved.columns)
          : (row as EntityRow),
      );
    });
  const result: IngestStreamResult = { batches: 0, records: 0, rows: 0, skipped: 0 };
  if (options.signal?.aborted) return result;
  const consumer = await stream.consume({
    topic: options.topic,
    group: options.group ?? `features.${resolved.name}`,
    start: options.start ?? "earliest",
    ...(options.maxBatchRecords !== undefined ? { maxBatchRecords: options.maxBatchRecords } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    for await (const batch of consumer) {
      const rows: EntityRow[] = [];
      const origin: EventRecord[] = [];
      for (const record of batch.records) {
        let decoded: EntityRow | readonly EntityRow[];
        try {
          decoded = decode(record);
        } catch (error) {
          if (options.onInvalid === "skip") {
            result.skipped += 1;
            continue;
          }
          throw new FeatureError(
            "FEATURE_PUSH_ROW_INVALID",
            `Record ${batch.topic}/${record.partition}@${record.offset} cannot be decoded: ${error instanceof Error ? error.message : String(error)}.`,
            {
              cause: error,
              hint: "Send JSON rows, or pass a decode function.",
              details: { partition: record.partition, offset: record.offset },
            },
          );
        }
        for (const row of Array.isArray(decoded) ? decoded : [decoded as EntityRow]) {
          rows.push(row);
          origin.push(record);
        }
      }
      let skipped = 0;
      for (;;) {
        try {
          if (rows.length > 0) await push(ctx, resolved.name, rows, { to: options.to ?? "online" });
          break;
        } catch (error) {
          if (
            !(error instanceof FeaturePushRowInvalidError) &&
            !BallastError.isInstance(error, "FEATURE_PUSH_ROW_INVALID")
          )
            throw error;
          const index = (error as FeaturePushRowInvalidError).rowIndex;
          const record = origin[index]!;
          if (options.onInvalid !== "skip") {
            throw new FeaturePushRowInvalidError(
              resolved.name,
              index,
              `${(error as FeaturePushRowInvalidError).reason} (record ${batch.topic}/${record.partition}@${record.offset})`,
            );
          }
          rows.splice(index, 1);
          origin.splice(index, 1);
          skipped += 1;
        }
      }
      await consumer.commit(batch);
      const lastOffset = batch.records[batch.records.length - 1]!.offset;
      result.batches += 1;
      result.records += batch.records.length;
      result.rows += rows.length;
      result.skipped += skipped;
      options.onBatch?.({
        partition: batch.partition,
        lastOffset,
        records: batch.records.length,
        rows: rows.length,
        skipped,
        lag: Math.max(0, batch.highWatermark - lastOffset - 1),
      });
    }
  } catch (error) {
    // Aborting is how a caller stops a stream ingestion: not a failure.
    if (!(options.signal?.aborted && BallastError.isInstance(error, "ABORTED"))) throw error;
  } finally {
    await consumer.close();
  }
  return result;
}
