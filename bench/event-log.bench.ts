import { randomFillSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogEventStream } from "../packages/core/src/event-stream/log/log-event-stream.js";
import type { EventRecordInput, EventStream } from "../packages/core/src/event-stream/types.js";
import { runBench } from "./harness.js";

// 1M records of 200 bytes in appends of 1,000, through the embedded log (with the default fsync
// policy, "interval" every 1 s, and with "never" for comparison). The baseline is what an
// application appending records to a file itself does: per batch, copy each record behind a
// 4-byte length into one buffer and write it (no checksum, no offsets, no index). A second row
// writes the payload bytes pre-framed, as the I/O ceiling.
const RECORDS = 1_000_000;
const BATCH = 1_000;
const VALUE_BYTES = 200;

const payload = randomFillSync(Buffer.allocUnsafe(RECORDS * VALUE_BYTES));
const batches: EventRecordInput[][] = [];
for (let b = 0; b < RECORDS / BATCH; b++) {
  const batch: EventRecordInput[] = [];
  for (let i = 0; i < BATCH; i++) {
    const at = (b * BATCH + i) * VALUE_BYTES;
    batch.push({ value: payload.subarray(at, at + VALUE_BYTES) });
  }
  batches.push(batch);
}
// The I/O ceiling's batches are framed ahead of time: its timed loop is the writes alone.
const rawBatches = batches.map((_, b) =>
  payload.subarray(b * BATCH * VALUE_BYTES, (b + 1) * BATCH * VALUE_BYTES),
);

const root = mkdtempSync(join(tmpdir(), "ballast-bench-event-log-"));
let run = 0;
let dir = "";
let file: FileHandle | undefined;
let stream: EventStream | undefined;

try {
  await runBench({
    name: "event-log",
    baseline: "raw buffered appends",
    unit: "records",
    iterations: 5,
    params: {
      records: RECORDS,
      batch: BATCH,
      valueBytes: VALUE_BYTES,
      fsync: "interval (1000 ms, default) and never",
    },
    cases: [
      {
        name: "raw buffered appends",
        items: RECORDS,
        setup: async () => {
          dir = join(root, `raw-buffered-${run++}`);
          await mkdir(dir, { recursive: true });
          file = await open(join(dir, "raw.bin"), "w");
        },
        run: async () => {
          for (const batch of batches) {
            let size = 0;
            for (const record of batch) size += 4 + (record.value as Uint8Array).length;
            const buffer = Buffer.allocUnsafe(size);
            let at = 0;
            for (const record of batch) {
              const value = record.value as Uint8Array;
              buffer.writeUInt32LE(value.length, at);
              buffer.set(value, at + 4);
              at += 4 + value.length;
            }
            await file!.write(buffer);
          }
        },
        teardown: async () => {
          await file!.close();
          await rm(dir, { recursive: true, force: true });
        },
      },
      {
        name: "raw pre-framed writes (I/O ceiling)",
        items: RECORDS,
        setup: async () => {
          dir = join(root, `raw-${run++}`);
          await mkdir(dir, { recursive: true });
          file = await open(join(dir, "raw.bin"), "w");
        },
        run: async () => {
          for (const buffer of rawBatches) await file!.write(buffer);
        },
        teardown: async () => {
          await file!.close();
          await rm(dir, { recursive: true, force: true });
        },
      },
      {
        name: "embedded log (fsync interval, default)",
        items: RECORDS,
        setup: async () => {
          dir = join(root, `log-${run++}`);
          stream = await createLogEventStream({ path: dir });
          await stream.createTopic("bench", { partitions: 1 });
        },
        run: async () => {
          for (const batch of batches) await stream!.append("bench", batch);
        },
        teardown: async () => {
          await stream!.close();
          await rm(dir, { recursive: true, force: true });
        },
      },
      {
        name: "embedded log (fsync never)",
        items: RECORDS,
        setup: async () => {
          dir = join(root, `log-${run++}`);
          stream = await createLogEventStream({ path: dir, fsync: "never" });
          await stream.createTopic("bench", { partitions: 1 });
        },
        run: async () => {
          for (const batch of batches) await stream!.append("bench", batch);
        },
        teardown: async () => {
          await stream!.close();
          await rm(dir, { recursive: true, force: true });
        },
      },
    ],
  });
} finally {
  await rm(root, { recursive: true, force: true });
}
