import { randomFillSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { type FileHandle, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogEventStream } from "../packages/core/src/event-stream/log/log-event-stream.js";
import type { EventRecordInput, EventStream } from "../packages/core/src/event-stream/types.js";
import { runBench } from "./harness.js";

// 1M records of 200 bytes in appends of 1,000, through the embedded log (with the default fsync
// policy, "interval" every 1 s, and with "never" for comparison) and as raw appends of the same
// bytes to one file, one write per batch.
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
// The baseline's batches are framed ahead of time: the timed loop is the writes alone.
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
    baseline: "raw file appends",
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
        name: "raw file appends",
        items: RECORDS,
        setup: async () => {
          dir = join(root, `raw-${run++}`);
          await rm(dir, { recursive: true, force: true });
          await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
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
