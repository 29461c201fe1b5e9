import { describe, expect, it } from "vitest";
import { clusterKeySlot, crc16 } from "./cluster-slot.js";

describe("clusterKeySlot", () => {
  it("matches the published CRC16-XMODEM check value and Redis's documented slots", () => {
    // 0x31C3 is the CRC-16/XMODEM check value of "123456789"; the Redis Cluster specification
    // gives the same function and value.
    expect(crc16(new TextEncoder().encode("123456789"))).toBe(0x31c3);
    // Slots printed by `redis-cli CLUSTER KEYSLOT <key>` on Redis 7.0.
    expect(clusterKeySlot("foo")).toBe(12182);
    expect(clusterKeySlot("bar")).toBe(5061);
    expect(clusterKeySlot("somekey")).toBe(11058);
  });

  it("hashes only the first non-empty hash tag", () => {
    expect(clusterKeySlot("a:{foo}:b")).toBe(clusterKeySlot("foo"));
    expect(clusterKeySlot("x{foo}{bar}")).toBe(clusterKeySlot("foo"));
    // An empty first tag means the whole key is hashed (slots from CLUSTER KEYSLOT, as above).
    expect(clusterKeySlot("x{}foo")).toBe(11714);
    expect(clusterKeySlot("x{}{foo}")).toBe(9729);
  });
});
