import { describe, expect, it, vi } from "vitest";
import type { EventBatch } from "../types.js";
import type { KafkaConsumerLike, KafkaEachBatchPayloadLike } from "./kafka-client.js";
import { KafkaConsumerAdapter } from "./kafka-consumer.js";

function fakeConsumer(): KafkaConsumerLike & { commits: unknown[] } {
  const commits: unknown[] = [];
  return {
    commits,
    connect: async () => {},
    disconnect: async () => {},
    subscribe: async () => {},
    run: async () => {},
    seek: () => {},
    commitOffsets: async (offsets) => {
      commits.push(...offsets);
    },
    on: () => () => {},
    events: { GROUP_JOIN: "join", CRASH: "crash" },
  };
}

function payload(count: number) {
  const resolved: string[] = [];
  const value: KafkaEachBatchPayloadLike = {
    batch: {
      topic: "t",
      partition: 0,
      highWatermark: String(count),
      messages: Array.from({ length: count }, (_, i) => ({
        key: null,
        value: Buffer.from(`v${i}`),
        timestamp: "1",
        offset: String(i),
      })),
    },
    resolveOffset: (offset) => resolved.push(offset),
    heartbeat: async () => {},
    isRunning: () => true,
    isStale: () => false,
  };
  return { value, resolved };
}

describe("KafkaConsumerAdapter", () => {
  it("holds eachBatch until the caller asks for the next batch, resolving only handed-out pieces", async () => {
    const consumer = fakeConsumer();
    const adapter = new KafkaConsumerAdapter({
      consumer,
      group: "g",
      autoCommit: true,
      maxBatchRecords: 2,
      signal: undefined,
      onClose: async () => {},
    });
    const { value, resolved } = payload(5);
    const finished = vi.fn();
    const running = adapter.eachBatch(value).then(finished);
    const first = (await adapter.next()).value as EventBatch;
    expect(first.records.map((record) => record.offset)).toEqual([0, 1]);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    expect(resolved).toEqual([]);
    const second = (await adapter.next()).value as EventBatch;
    expect(second.records.map((record) => record.offset)).toEqual([2, 3]);
    expect(resolved).toEqual(["1"]);
    expect(consumer.commits).toEqual([{ topic: "t", partition: 0, offset: "2" }]);
    expect(finished).not.toHaveBeenCalled();
    await adapter.close();
    await running;
    expect(finished).toHaveBeenCalled();
    // The piece held at close was neither resolved nor committed: it is fetched again.
    expect(resolved).toEqual(["1"]);
    expect(consumer.commits).toHaveLength(1);
    expect((await adapter.next()).done).toBe(true);
  });
});
