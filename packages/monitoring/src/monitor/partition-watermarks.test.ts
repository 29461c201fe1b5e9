import { describe, expect, it } from "vitest";
import { PartitionWatermarks } from "./partition-watermarks.js";

describe("PartitionWatermarks", () => {
  it("is held back by the slowest partition that has unread records", () => {
    const w = new PartitionWatermarks(10);
    w.expect(0, 0);
    w.expect(1, 0);
    w.observe(0, 1000, 1);
    // Partition 1 holds records but has delivered none yet.
    expect(w.value).toBe(Number.NEGATIVE_INFINITY);
    w.batchDone(0, true, 1);
    w.observe(1, 400, 2);
    expect(w.value).toBe(390);
    w.batchDone(1, false, 2);
    w.observe(1, 700, 3);
    expect(w.value).toBe(690);
    // Every partition read to its end: the largest event time seen.
    w.batchDone(1, true, 3);
    expect(w.value).toBe(990);
  });

  it("never goes back, and gives up on partitions silent for too long", () => {
    const w = new PartitionWatermarks(0);
    w.expect(1, 0);
    w.observe(0, 500, 100);
    w.batchDone(0, true, 100);
    expect(w.value).toBe(Number.NEGATIVE_INFINITY);
    expect(w.markIdle(50)).toEqual([1]);
    expect(w.isPending(1)).toBe(false);
    expect(w.value).toBe(500);
    w.observe(1, 100, 200);
    expect(w.value).toBe(500);
  });
});
