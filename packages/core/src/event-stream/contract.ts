import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { BallastError } from "../errors/index.js";
import { partitionForKey } from "./partitioner.js";
import type { EventBatch, EventConsumer, EventRecord, EventStream } from "./types.js";

const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : null);

/** Reads until `count` records arrived (or fails after `timeoutMs`), returning the batches. */
async function take(consumer: EventConsumer, count: number, timeoutMs = 30_000): Promise<EventBatch[]> {
  const batches: EventBatch[] = [];
  let seen = 0;
  const timer = setTimeout(() => void consumer.close(), timeoutMs);
  try {
    while (seen < count) {
      const next = await consumer[Symbol.asyncIterator]().next();
      if (next.done) throw new Error(`consumer ended after ${seen} of ${count} records`);
      batches.push(next.value);
      seen += next.value.records.length;
    }
  } finally {
    clearTimeout(timer);
  }
  return batches;
}

const records = (batches: EventBatch[]): EventRecord[] => batches.flatMap((batch) => batch.records);

/** Resolves to "idle" when the consumer yields nothing within `ms`. */
async function idle(consumer: EventConsumer, ms: number): Promise<"idle" | EventBatch | "done"> {
  const next = consumer[Symbol.asyncIterator]().next();
  const result = await Promise.race([next, new Promise<"idle">((r) => setTimeout(() => r("idle"), ms))]);
  if (result === "idle") {
    await consumer.close();
    const late = await next;
    return late.done ? "idle" : late.value;
  }
  return result.done ? "done" : result.value;
}

/**
 * The behaviour every `EventStream` must have, as a vitest suite. `makeStream` returns a fresh,
 * open stream (the suite closes it); topic and group names are unique per test, so one backend
 * instance can run suites in parallel.
 *
 * @example
 * eventStreamContract("log", () => createLogEventStream({ path: mkdtempSync(...) }));
 */
export function eventStreamContract(name: string, makeStream: () => Promise<EventStream>): void {
  describe(`EventStream contract: ${name}`, () => {
    const open: EventStream[] = [];
    const stream = async () => {
      const created = await makeStream();
      open.push(created);
      return created;
    };
    const unique = (label: string) => `contract-${label}-${randomUUID().slice(0, 8)}`;
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it("round-trips keys, values, headers and timestamps", async () => {
      const s = await stream();
      const topic = unique("roundtrip");
      await s.createTopic(topic, { partitions: 3 });
      const input = Array.from({ length: 30 }, (_, i) => ({
        key: i % 5 === 0 ? null : `key-${i % 7}`,
        value: `value-${i}`,
        timestamp: Date.UTC(2024, 0, 1) + i,
        headers: { source: "contract", index: new Uint8Array([i]) },
      }));
      const appended = await s.append(topic, input);
      expect(appended).toHaveLength(30);
      await using consumer = await s.consume({ topic });
      const read = records(await take(consumer, 30));
      expect(read).toHaveLength(30);
      const byPosition = new Map(read.map((r) => [`${r.partition}:${r.offset}`, r]));
      input.forEach((record, i) => {
        const at = appended[i]!;
        const got = byPosition.get(`${at.partition}:${at.offset}`)!;
        expect(got.topic).toBe(topic);
        expect(text(got.value)).toBe(record.value);
        expect(text(got.key)).toBe(record.key);
        expect(got.timestamp).toBe(record.timestamp);
        expect(text(got.headers.source)).toBe("contract");
        expect([...(got.headers.index ?? [])]).toEqual([i]);
      });
      const info = await s.describeTopic(topic);
      expect(info.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      const total = info.partitions.reduce((sum, p) => sum + p.highWatermark - p.earliestOffset, 0);
      expect(total).toBe(30);
    });

    it("rejects a timestamp that is not integer epoch milliseconds", async () => {
      const s = await stream();
      const topic = unique("time");
      await s.createTopic(topic);
      await expect(s.append(topic, [{ value: "x", timestamp: Number.NaN }])).rejects.toMatchObject({
        code: "STREAM_ERROR",
      });
      const at = new Date(Date.UTC(2025, 5, 1));
      await s.append(topic, [{ value: "x", timestamp: at }]);
      await using consumer = await s.consume({ topic });
      expect(records(await take(consumer, 1))[0]!.timestamp).toBe(at.getTime());
    });

    it("creates topics idempotently and refuses a different partition count", async () => {
      const s = await stream();
      const topic = unique("create");
      await s.createTopic(topic, { partitions: 2 });
      await s.createTopic(topic, { partitions: 2 });
      expect((await s.describeTopic(topic)).partitions).toHaveLength(2);
      await expect(s.createTopic(topic, { partitions: 3 })).rejects.toMatchObject({ code: "STREAM_ERROR" });
    });

    it("puts a key in the same partition every time, the one Kafka's default partitioner picks", async () => {
      const s = await stream();
      const topic = unique("keys");
      await s.createTopic(topic, { partitions: 6 });
      const keys = Array.from({ length: 40 }, (_, i) => `entity-${i}`);
      for (let round = 0; round < 3; round++) {
        const appended = await s.append(
          topic,
          keys.map((key) => ({ key, value: "x" })),
        );
        appended.forEach((at, i) => {
          expect(at.partition).toBe(partitionForKey(new TextEncoder().encode(keys[i]!), 6));
        });
      }
      const explicit = await s.append(topic, [{ value: "x", partition: 5 }]);
      expect(explicit[0]!.partition).toBe(5);
    });

    it("keeps per-key order with many interleaved keys", async () => {
      const s = await stream();
      const topic = unique("order");
      await s.createTopic(topic, { partitions: 4 });
      const keyCount = 50;
      const perKey = 20;
      for (let round = 0; round < perKey; round += 5) {
        const batch = [];
        for (let step = round; step < round + 5; step++) {
          for (let k = 0; k < keyCount; k++) batch.push({ key: `k${k}`, value: String(step) });
        }
        await s.append(topic, batch);
      }
      await using consumer = await s.consume({ topic, maxBatchRecords: 64 });
      const read = records(await take(consumer, keyCount * perKey));
      const sequences = new Map<string, number[]>();
      for (const record of read) {
        const key = text(record.key)!;
        sequences.set(key, [...(sequences.get(key) ?? []), Number(text(record.value))]);
      }
      expect(sequences.size).toBe(keyCount);
      for (const steps of sequences.values()) {
        expect(steps).toEqual(Array.from({ length: perKey }, (_, i) => i));
      }
    });

    it("consumes from an explicit offset and from the latest position", async () => {
      const s = await stream();
      const topic = unique("offset");
      await s.createTopic(topic, { partitions: 1 });
      const appended = await s.append(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
      );
      const offsets = appended.map((a) => a.offset);
      await using fromFive = await s.consume({ topic, start: { 0: offsets[5]! } });
      expect(records(await take(fromFive, 5)).map((r) => text(r.value))).toEqual([
        "v5",
        "v6",
        "v7",
        "v8",
        "v9",
      ]);
      await using latest = await s.consume({ topic, start: "latest" });
      await s.append(topic, [{ value: "new" }]);
      const fresh = records(await take(latest, 1));
      expect(fresh.map((r) => text(r.value))).toEqual(["new"]);
      const batch = (await take(fromFive, 1))[0]!;
      expect(text(batch.records[0]!.value)).toBe("new");
      expect(batch.highWatermark).toBe(batch.records[0]!.offset + 1);
    });

    it("resumes a group after its last commit and redelivers what was not committed", async () => {
      const s = await stream();
      const topic = unique("group");
      const group = unique("g");
      await s.createTopic(topic, { partitions: 1 });
      await s.append(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
      );
      const first = await s.consume({ topic, group, maxBatchRecords: 4 });
      const [committed] = await take(first, 1);
      await first.commit(committed!);
      const lastCommitted = Number(text(committed!.records.at(-1)!.value)!.slice(1));
      await take(first, 1); // read, never committed
      await first.close();

      const second = await s.consume({ topic, group });
      const secondBatches = await take(second, 9 - lastCommitted);
      const redelivered = records(secondBatches);
      expect(text(redelivered[0]!.value)).toBe(`v${lastCommitted + 1}`);
      expect(redelivered.map((r) => text(r.value)).at(-1)).toBe("v9");
      for (const batch of secondBatches) await second.commit(batch);
      await second.close();

      await s.append(topic, [{ value: "v10" }]);
      await using third = await s.consume({ topic, group, autoCommit: true });
      const after = records(await take(third, 1));
      expect(after.map((r) => text(r.value))).toEqual(["v10"]);
    });

    it("auto-commits a batch once the next one is requested", async () => {
      const s = await stream();
      const topic = unique("auto");
      const group = unique("g");
      await s.createTopic(topic, { partitions: 1 });
      await s.append(
        topic,
        Array.from({ length: 6 }, (_, i) => ({ value: `v${i}` })),
      );
      const consumer = await s.consume({ topic, group, autoCommit: true, maxBatchRecords: 3 });
      const firstBatches = await take(consumer, 1);
      const firstCount = records(firstBatches).length;
      await take(consumer, 1); // requesting it commits the first batch; this one stays uncommitted
      await consumer.close();
      await using again = await s.consume({ topic, group });
      const rest = records(await take(again, 6 - firstCount));
      expect(text(rest[0]!.value)).toBe(`v${firstCount}`);
    });

    it("keeps two groups independent", async () => {
      const s = await stream();
      const topic = unique("groups");
      await s.createTopic(topic, { partitions: 2 });
      await s.append(
        topic,
        Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
      );
      const a = await s.consume({ topic, group: unique("a") });
      for (const batch of await take(a, 8)) await a.commit(batch);
      await a.close();
      await using b = await s.consume({ topic, group: unique("b") });
      expect(records(await take(b, 8))).toHaveLength(8);
    });

    it("serves an empty topic without records and ends the iteration on close", async () => {
      const s = await stream();
      const topic = unique("empty");
      await s.createTopic(topic, { partitions: 2 });
      const info = await s.describeTopic(topic);
      expect(info.partitions.every((p) => p.highWatermark === p.earliestOffset)).toBe(true);
      const consumer = await s.consume({ topic });
      expect(await idle(consumer, 300)).toBe("idle");
    });

    it("fails on an unknown topic with STREAM_TOPIC_NOT_FOUND", async () => {
      const s = await stream();
      const topic = unique("missing");
      for (const call of [
        () => s.describeTopic(topic),
        () => s.append(topic, [{ value: "x" }]),
        () => s.consume({ topic }),
      ]) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(BallastError.isInstance(error, "STREAM_TOPIC_NOT_FOUND")).toBe(true);
      }
    });

    it("appends and reads back a large batch in bounded batches", async () => {
      const s = await stream();
      const topic = unique("large");
      await s.createTopic(topic, { partitions: 2 });
      const payload = new Uint8Array(500).fill(7);
      const count = 10_000;
      const appended = await s.append(
        topic,
        Array.from({ length: count }, (_, i) => ({ key: `k${i % 100}`, value: payload })),
      );
      expect(new Set(appended.map((a) => `${a.partition}:${a.offset}`)).size).toBe(count);
      await using consumer = await s.consume({ topic, maxBatchRecords: 500 });
      const batches = await take(consumer, count);
      expect(batches.every((b) => b.records.length <= 500 && b.records.length > 0)).toBe(true);
      expect(records(batches)).toHaveLength(count);
      expect(records(batches).every((r) => r.value.length === 500)).toBe(true);
    });

    it("closes consumers and the stream cleanly", async () => {
      const s = await stream();
      const topic = unique("close");
      await s.createTopic(topic, { partitions: 1 });
      const consumer = await s.consume({ topic });
      const pending = consumer[Symbol.asyncIterator]().next();
      await consumer.close();
      await consumer.close();
      expect((await pending).done).toBe(true);

      const aborter = new AbortController();
      const aborted = await s.consume({ topic, signal: aborter.signal });
      const waiting = aborted[Symbol.asyncIterator]().next();
      aborter.abort();
      const outcome = await waiting.then(
        (r) => r,
        (e: unknown) => e,
      );
      expect(BallastError.isInstance(outcome, "ABORTED") || (outcome as IteratorResult<unknown>).done).toBe(
        true,
      );

      await s.close();
      await s.close();
      await expect(s.append(topic, [{ value: "late" }])).rejects.toMatchObject({ code: "RESOURCE_CLOSED" });
    });
  });
}
