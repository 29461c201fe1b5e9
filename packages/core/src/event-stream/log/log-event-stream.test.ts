import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventStreamContract } from "../contract.js";
import { createLogEventStream } from "./log-event-stream.js";

const root = mkdtempSync(join(tmpdir(), "ballast-log-contract-"));
let count = 0;
afterAll(() => rm(root, { recursive: true, force: true }));

eventStreamContract("embedded log", () => createLogEventStream({ path: join(root, `s${count++}`) }));
eventStreamContract("embedded log, fsync always, 4 KiB segments", () =>
  createLogEventStream({ path: join(root, `s${count++}`), fsync: "always", segmentBytes: 4096 }),
);

describe("embedded log", () => {
  it("refuses a second writer with STREAM_LOCKED and lets a read-only view follow the writer", async () => {
    const path = join(root, `s${count++}`);
    await using writer = await createLogEventStream({ path });
    await expect(createLogEventStream({ path })).rejects.toMatchObject({ code: "STREAM_LOCKED" });
    await writer.createTopic("t", { partitions: 2 });
    await using reader = await createLogEventStream({ path, readOnly: true, pollIntervalMs: 20 });
    await using consumer = await reader.consume({ topic: "t", group: "view" });
    const iterator = consumer[Symbol.asyncIterator]();
    const next = iterator.next();
    await writer.append("t", [{ value: "hello", partition: 1 }]);
    const batch = (await next).value!;
    expect(new TextDecoder().decode(batch.records[0]!.value)).toBe("hello");
    await consumer.commit(batch);
    await expect(reader.append("t", [{ value: "x" }])).rejects.toMatchObject({ code: "STREAM_ERROR" });
  });

  it("takes over a lock left by a dead process", async () => {
    const path = join(root, `s${count++}`);
    const { mkdir, writeFile } = await import("node:fs/promises");
    const { hostname } = await import("node:os");
    await mkdir(path, { recursive: true });
    // pid 2^22+1 is above Linux's pid_max default, so no live process has it.
    await writeFile(
      join(path, "LOCK"),
      JSON.stringify({ pid: 4194305, hostname: hostname(), createdAt: "" }),
    );
    await using stream = await createLogEventStream({ path });
    expect(stream.uri).toContain(path);
  });

  it("keeps offsets and group commits across a reopen", async () => {
    const path = join(root, `s${count++}`);
    {
      await using stream = await createLogEventStream({ path, segmentBytes: 1024 });
      await stream.createTopic("t");
      for (let i = 0; i < 20; i++) await stream.append("t", [{ value: `v${i}`.padEnd(100, ".") }]);
      await using consumer = await stream.consume({ topic: "t", group: "g", maxBatchRecords: 7 });
      const first = (await consumer[Symbol.asyncIterator]().next()).value!;
      await consumer.commit(first);
    }
    await using stream = await createLogEventStream({ path, segmentBytes: 1024 });
    expect((await stream.describeTopic("t")).partitions[0]!.highWatermark).toBe(20);
    expect((await stream.append("t", [{ value: "v20" }]))[0]!.offset).toBe(20);
    await using consumer = await stream.consume({ topic: "t", group: "g" });
    const batch = (await consumer[Symbol.asyncIterator]().next()).value!;
    expect(batch.records[0]!.offset).toBe(7);
  });
});
