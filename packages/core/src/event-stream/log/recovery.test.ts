import { mkdtempSync } from "node:fs";
import { open, readdir, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EventStream } from "../types.js";
import { createLogEventStream } from "./log-event-stream.js";

const root = mkdtempSync(join(tmpdir(), "ballast-log-recovery-"));
let count = 0;
afterAll(() => rm(root, { recursive: true, force: true }));

async function readAll(stream: EventStream, topic: string): Promise<string[]> {
  const info = await stream.describeTopic(topic);
  const total = info.partitions[0]!.highWatermark;
  const values: string[] = [];
  if (total === 0) return values;
  await using consumer = await stream.consume({ topic });
  for await (const batch of consumer) {
    for (const record of batch.records) values.push(new TextDecoder().decode(record.value));
    if (values.length >= total) break;
  }
  return values;
}

/** Writes three appends of two records to a fresh log; returns its path and the segment file. */
async function threeBatches(): Promise<{ path: string; segment: string }> {
  const path = join(root, `s${count++}`);
  await using stream = await createLogEventStream({ path, fsync: "never" });
  await stream.createTopic("t");
  for (const pair of [
    ["a", "b"],
    ["c", "d"],
    ["e", "f"],
  ]) {
    await stream.append(
      "t",
      pair.map((value) => ({ value: value.repeat(50) })),
    );
  }
  const dir = join(path, "topics", "t", "0");
  const [file] = await readdir(dir);
  return { path, segment: join(dir, file!) };
}

describe("embedded log recovery", () => {
  it("truncates a record cut mid-way and continues at the right offset", async () => {
    const { path, segment } = await threeBatches();
    const size = (await stat(segment)).size;
    await truncate(segment, size - 30);
    await using stream = await createLogEventStream({ path });
    expect((await readAll(stream, "t")).map((v) => v[0])).toEqual(["a", "b", "c", "d"]);
    expect((await stat(segment)).size).toBeLessThan(size - 30);
    const appended = await stream.append("t", [{ value: "g" }]);
    expect(appended[0]!.offset).toBe(4);
    expect((await readAll(stream, "t")).map((v) => v[0])).toEqual(["a", "b", "c", "d", "g"]);
  });

  it("drops a tail batch whose bytes were corrupted", async () => {
    const { path, segment } = await threeBatches();
    const size = (await stat(segment)).size;
    const file = await open(segment, "r+");
    await file.write(new Uint8Array([0x42, 0x42]), 0, 2, size - 10);
    await file.close();
    await using stream = await createLogEventStream({ path });
    expect((await readAll(stream, "t")).map((v) => v[0])).toEqual(["a", "b", "c", "d"]);
    expect((await stream.append("t", [{ value: "g" }]))[0]!.offset).toBe(4);
  });

  it("drops garbage appended after the last batch (a torn frame header)", async () => {
    const { path, segment } = await threeBatches();
    const file = await open(segment, "a");
    await file.write(new Uint8Array([0, 0, 1]));
    await file.close();
    await using stream = await createLogEventStream({ path });
    expect(await readAll(stream, "t")).toHaveLength(6);
    expect((await stream.append("t", [{ value: "g" }]))[0]!.offset).toBe(6);
  });

  it("drops a last batch whose body was written but not its length and CRC", async () => {
    const { path, segment } = await threeBatches();
    const size = (await stat(segment)).size;
    // An append writes bytes 8… of its frame first and bytes 0–7 last: a crash in between leaves
    // the frame's first 8 bytes a hole, which reads as zeros.
    const frameSize = size / 3;
    const file = await open(segment, "r+");
    await file.write(new Uint8Array(8), 0, 8, size - frameSize);
    await file.close();
    await using stream = await createLogEventStream({ path });
    expect((await readAll(stream, "t")).map((v) => v[0])).toEqual(["a", "b", "c", "d"]);
    expect((await stat(segment)).size).toBe(size - frameSize);
    expect((await stream.append("t", [{ value: "g" }]))[0]!.offset).toBe(4);
    expect((await readAll(stream, "t")).map((v) => v[0])).toEqual(["a", "b", "c", "d", "g"]);
  });

  it("cuts a torn segment sealed just before a crash and drops the segments after it", async () => {
    const path = join(root, `s${count++}`);
    {
      await using stream = await createLogEventStream({ path, segmentBytes: 600, fsync: "never" });
      await stream.createTopic("t");
      for (let i = 0; i < 9; i++) await stream.append("t", [{ value: String(i).repeat(200) }]);
    }
    const dir = join(path, "topics", "t", "0");
    const segments = (await readdir(dir)).sort();
    expect(segments.length).toBeGreaterThanOrEqual(3);
    // Tear the tail of the second-to-last segment, as a power loss before its background sync would.
    const sealed = join(dir, segments.at(-2)!);
    await truncate(sealed, (await stat(sealed)).size - 20);
    await using stream = await createLogEventStream({ path, segmentBytes: 600 });
    const kept = await readAll(stream, "t");
    const lost = Number(segments.at(-2)!.slice(0, 20)) + 1;
    expect(kept.map((v) => v[0])).toEqual(Array.from({ length: kept.length }, (_, i) => String(i)));
    expect(kept).toHaveLength(lost); // the sealed segment held two frames: the second was torn
    expect((await readdir(dir)).sort()).toEqual(segments.slice(0, -1));
    expect((await stream.append("t", [{ value: "n" }]))[0]!.offset).toBe(kept.length);
  });

  it("reports damage inside a sealed segment as STREAM_LOG_CORRUPT when read", async () => {
    const path = join(root, `s${count++}`);
    {
      await using stream = await createLogEventStream({ path, segmentBytes: 512 });
      await stream.createTopic("t");
      for (let i = 0; i < 10; i++) await stream.append("t", [{ value: "x".repeat(200) }]);
    }
    const dir = join(path, "topics", "t", "0");
    const [first] = (await readdir(dir)).sort();
    const file = await open(join(dir, first!), "r+");
    await file.write(new Uint8Array([0]), 0, 1, 60); // inside the first value
    await file.close();
    await using stream = await createLogEventStream({ path, segmentBytes: 512 });
    await using consumer = await stream.consume({ topic: "t" });
    await expect(consumer[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: "STREAM_LOG_CORRUPT",
    });
  });
});
