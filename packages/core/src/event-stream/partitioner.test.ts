import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { murmur2, Partitioner, partitionForKey } from "./partitioner.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("murmur2", () => {
  it("matches the values in Kafka's own UtilsTest", () => {
    // Expected values from apache/kafka clients/src/test/.../UtilsTest.java (testMurmur2).
    expect(murmur2(bytes("21"))).toBe(-973932308);
    expect(murmur2(bytes("foobar"))).toBe(-790332482);
    expect(murmur2(bytes("a-little-bit-long-string"))).toBe(-985981536);
    expect(murmur2(bytes("a-little-bit-longer-string"))).toBe(-1486304829);
    expect(murmur2(bytes("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"))).toBe(-58897971);
    expect(murmur2(bytes("abc"))).toBe(479470107);
  });

  it("agrees with kafkajs's Java-compatible implementation on random keys", async () => {
    const { default: kafkajsMurmur2 } = (await import(
      // @ts-expect-error kafkajs ships no types for its internals
      "kafkajs/src/producer/partitioners/default/murmur2.js"
    )) as { default: (key: Buffer) => number };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (key) => {
        expect(murmur2(key)).toBe(kafkajsMurmur2(Buffer.from(key)));
      }),
    );
  });
});

describe("Partitioner", () => {
  it("hashes keys, honours explicit partitions and keeps a call's keyless records together", () => {
    const partitioner = new Partitioner();
    const records = [{ key: "a" }, { value: 1 }, { partition: 2 }, { value: 2 }];
    const keys = [bytes("a"), null, null, null];
    const first = partitioner.assign("t", 4, records, keys);
    const second = partitioner.assign("t", 4, records, keys);
    expect(first[0]).toBe(partitionForKey(bytes("a"), 4));
    expect(first[2]).toBe(2);
    expect(first[1]).toBe(first[3]);
    expect(second[1]).toBe(((first[1] ?? 0) + 1) % 4);
    expect(() => partitioner.assign("t", 4, [{ partition: 4 }], [null])).toThrow(/does not exist/);
  });
});
