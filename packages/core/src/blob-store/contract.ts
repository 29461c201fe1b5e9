import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BallastError } from "../errors/index.js";
import { readAll } from "./body.js";
import { compareKeys } from "./key.js";
import type { BlobStore } from "./types.js";

const MiB = 1024 * 1024;

/**
 * The behaviour every {@link BlobStore} must have, as a vitest suite. Each implementation calls it
 * once with a factory for a fresh, isolated store (its own directory, bucket or prefix), so suites
 * for different backends, or the same backend in parallel runs, never see each other's keys.
 *
 * @example
 * blobStoreContract("local", () => createLocalBlobStore(await mkdtemp(join(tmpdir(), "blobs-"))));
 */
export function blobStoreContract(name: string, makeStore: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    it("declares specification v1 and its uri", () => {
      expect(store.specificationVersion).toBe("v1");
      expect(typeof store.uri).toBe("string");
    });

    it("round-trips buffers, strings, Readables, async iterables and empty bodies", async () => {
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await store.put("rt/bytes.bin", bytes);
      expect(await store.getBytes("rt/bytes.bin")).toEqual(Buffer.from(bytes));

      await store.put("rt/text.txt", "héllo wörld");
      expect(Buffer.from(await store.getBytes("rt/text.txt")).toString("utf8")).toBe("héllo wörld");

      await store.put("rt/readable", Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
      expect(Buffer.from(await readAll(await store.get("rt/readable"))).toString()).toBe("abcd");

      async function* chunks(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 3; i++) yield new Uint8Array(1000).fill(i);
      }
      const put = await store.put("rt/iterable", chunks());
      expect(put).toEqual({ key: "rt/iterable", size: 3000, sha256: sha256Of(concatFills(3, 1000)) });
      expect(await store.getBytes("rt/iterable")).toEqual(Buffer.from(concatFills(3, 1000)));

      await store.put("rt/empty", new Uint8Array(0));
      expect((await store.getBytes("rt/empty")).byteLength).toBe(0);
      expect((await store.head("rt/empty"))?.size).toBe(0);
    });

    it("reports the sha256 of the bytes written, equal to node:crypto's", async () => {
      const data = randomBytesSeeded(70_000, 7);
      const result = await store.put("sha/data", Readable.from(chunked(data, 4096)));
      expect(result.sha256).toBe(sha256Of(data));
      expect(result.size).toBe(data.byteLength);
      expect((await store.head("sha/data"))?.sha256).toBe(sha256Of(data));
      expect((await store.put("sha/text", "abc")).sha256).toBe(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      );
    });

    it("overwrites an existing key, replacing content, size, sha256 and metadata", async () => {
      await store.put("ow/key", "first", { metadata: { v: "1" } });
      await store.put("ow/key", "second!", { metadata: { v: "2" } });
      expect(Buffer.from(await store.getBytes("ow/key")).toString()).toBe("second!");
      const info = await store.head("ow/key");
      expect(info).toMatchObject({ key: "ow/key", size: 7, sha256: sha256Of(Buffer.from("second!")) });
      expect(info?.metadata).toEqual({ v: "2" });
    });

    it("reads byte ranges, including the last byte and empty ranges", async () => {
      const data = randomBytesSeeded(1000, 3);
      await store.put("range/data", data);
      const read = (offset?: number, length?: number) =>
        store.getBytes("range/data", {
          ...(offset === undefined ? {} : { offset }),
          ...(length === undefined ? {} : { length }),
        });
      expect(await read(10, 20)).toEqual(Buffer.from(data.subarray(10, 30)));
      expect(await read(999, 1)).toEqual(Buffer.from(data.subarray(999)));
      expect(await read(990)).toEqual(Buffer.from(data.subarray(990)));
      expect(await read(0, 1)).toEqual(Buffer.from(data.subarray(0, 1)));
      expect(await read(995, 100)).toEqual(Buffer.from(data.subarray(995)));
      expect((await read(5, 0)).byteLength).toBe(0);
      expect((await read(1000)).byteLength).toBe(0);
      expect((await read(5000, 3)).byteLength).toBe(0);
      expect(await readAll(await store.get("range/data", { offset: 500, length: 10 }))).toEqual(
        Buffer.from(data.subarray(500, 510)),
      );
      await expect(read(-1)).rejects.toSatisfy(hasCode("VALIDATION_FAILED"));
      await expect(store.getBytes("range/absent", { offset: 1, length: 0 })).rejects.toSatisfy(
        hasCode("BLOB_NOT_FOUND"),
      );
    });

    it("heads objects: size, sha256, content type, metadata; undefined when absent", async () => {
      const before = Date.now();
      await store.put("head/obj.json", '{"a":1}', {
        contentType: "application/json",
        metadata: { run: "42", stage: "train" },
      });
      const info = await store.head("head/obj.json");
      expect(info).toMatchObject({
        key: "head/obj.json",
        size: 7,
        sha256: sha256Of(Buffer.from('{"a":1}')),
        contentType: "application/json",
        metadata: { run: "42", stage: "train" },
      });
      // Server clocks may run a little apart from ours; a minute of slack keeps this from being a timing test.
      expect(info!.lastModified).toBeGreaterThan(before - 60_000);
      expect(await store.head("head/absent")).toBeUndefined();
      expect(await store.head("head")).toBeUndefined();
    });

    it("lists by prefix in ascending key order with pagination", async () => {
      const keys = ["ls/b", "ls/a", "ls/c/2", "ls/c/1", "ls/c/10/x", "ls/d.txt", "lsx/other"];
      for (const key of keys) await store.put(key, key);
      const all: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ prefix: "ls/", limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        all.push(...page.items.map((item) => item.key));
        cursor = page.cursor;
        pages++;
      } while (cursor !== undefined && pages < 20);
      const expected = ["ls/a", "ls/b", "ls/c/1", "ls/c/10/x", "ls/c/2", "ls/d.txt"];
      expect(all).toEqual(expected);

      const one = await store.list({ prefix: "ls/c/1" });
      expect(one.items.map((item) => item.key)).toEqual(["ls/c/1", "ls/c/10/x"]);
      expect(one.cursor).toBeUndefined();
      expect(one.items[0]).toMatchObject({ key: "ls/c/1", size: 6 });
      expect(typeof one.items[0]!.lastModified).toBe("number");

      expect(await store.list({ prefix: "nothing-here/" })).toEqual({ items: [] });
      expect((await store.list({ prefix: "ls" })).items.map((item) => item.key)).toEqual([
        ...expected,
        "lsx/other",
      ]);
      const everything = await store.list();
      expect(everything.items.map((item) => item.key)).toEqual(
        [...everything.items.map((item) => item.key)].sort(compareKeys),
      );
      expect(everything.items.map((item) => item.key)).toEqual(expect.arrayContaining(keys));
      await expect(store.list({ prefix: "../" })).rejects.toSatisfy(hasCode("BLOB_KEY_INVALID"));
    });

    it("deletes objects; deleting an absent key is not an error", async () => {
      await store.put("del/x", "x");
      await store.delete("del/x");
      expect(await store.head("del/x")).toBeUndefined();
      await expect(store.getBytes("del/x")).rejects.toSatisfy(hasCode("BLOB_NOT_FOUND"));
      await store.delete("del/x");
      await store.delete("del/never/was");
      expect((await store.list({ prefix: "del/" })).items).toEqual([]);
    });

    it("put with ifNoneMatch writes an absent key and refuses an existing one", async () => {
      await store.put("ifn/a", "one", { ifNoneMatch: true });
      await expect(store.put("ifn/a", "two", { ifNoneMatch: true })).rejects.toSatisfy(
        hasCode("BLOB_ALREADY_EXISTS"),
      );
      expect(Buffer.from(await store.getBytes("ifn/a")).toString()).toBe("one");

      // Large enough for the multipart or resumable path, whose condition is checked at completion.
      async function* large(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 12; i++) yield new Uint8Array(MiB).fill(i);
      }
      const first = await store.put("ifn/large", large(), { ifNoneMatch: true });
      expect((await store.head("ifn/large"))?.sha256).toBe(first.sha256);
      await expect(store.put("ifn/large", large(), { ifNoneMatch: true })).rejects.toSatisfy(
        hasCode("BLOB_ALREADY_EXISTS"),
      );
      await expect(store.put("ifn/a", large(), { ifNoneMatch: true })).rejects.toSatisfy(
        hasCode("BLOB_ALREADY_EXISTS"),
      );
      expect(Buffer.from(await store.getBytes("ifn/a")).toString()).toBe("one");
    });

    it("two concurrent puts with ifNoneMatch to one key: exactly one wins", async () => {
      for (let round = 0; round < 5; round++) {
        const key = `ifn/race-${round}`;
        const results = await Promise.allSettled([
          store.put(key, "left", { ifNoneMatch: true }),
          store.put(key, "right", { ifNoneMatch: true }),
        ]);
        const won = results.filter((result) => result.status === "fulfilled");
        const lost = results.filter((result) => result.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(BallastError.isInstance(lost[0]!.reason, "BLOB_ALREADY_EXISTS")).toBe(true);
        const winner = results[0]!.status === "fulfilled" ? "left" : "right";
        expect(Buffer.from(await store.getBytes(key)).toString()).toBe(winner);
      }
    });

    it("rejects invalid keys with BLOB_KEY_INVALID on every operation", async () => {
      for (const key of ["", "../x", "a/../b", "a/./b", "/abs", "a\\b", "a//b", "a/", ".."]) {
        await expect(store.put(key, "x")).rejects.toSatisfy(hasCode("BLOB_KEY_INVALID"));
        await expect(store.get(key)).rejects.toSatisfy(hasCode("BLOB_KEY_INVALID"));
        await expect(store.head(key)).rejects.toSatisfy(hasCode("BLOB_KEY_INVALID"));
        await expect(store.delete(key)).rejects.toSatisfy(hasCode("BLOB_KEY_INVALID"));
      }
      await store.put("..dots/are.fine..", "ok");
      expect((await store.head("..dots/are.fine.."))?.size).toBe(2);
    });

    it("get, getBytes of an absent key throw BLOB_NOT_FOUND", async () => {
      await expect(store.get("absent/key")).rejects.toSatisfy(hasCode("BLOB_NOT_FOUND"));
      await expect(store.getBytes("absent/key")).rejects.toSatisfy(hasCode("BLOB_NOT_FOUND"));
    });

    it("an aborted put leaves no object visible, and keeps the previous one", async () => {
      for (const [key, previous] of [
        ["abort/new", undefined],
        ["abort/existing", "old content"],
      ] as const) {
        if (previous !== undefined) await store.put(key, previous);
        const controller = new AbortController();
        async function* body(): AsyncGenerator<Uint8Array> {
          // Past one multipart part, so stores that switch to multipart uploads abort one midway.
          for (let i = 0; i < 24; i++) {
            if (i === 12) controller.abort();
            yield new Uint8Array(MiB).fill(i);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        await expect(store.put(key, body(), { signal: controller.signal })).rejects.toSatisfy(
          hasCode("ABORTED"),
        );
        if (previous === undefined) {
          expect(await store.head(key)).toBeUndefined();
          expect((await store.list({ prefix: key })).items).toEqual([]);
        } else {
          expect(Buffer.from(await store.getBytes(key)).toString()).toBe(previous);
        }
      }
      const already = AbortSignal.abort();
      await expect(store.put("abort/pre", "x", { signal: already })).rejects.toSatisfy(hasCode("ABORTED"));
      expect(await store.head("abort/pre")).toBeUndefined();
    });

    it("streams a 200 MB object in and out without holding it in memory", { timeout: 300_000 }, async () => {
      const total = 200 * MiB;
      const chunk = 1 * MiB;
      const written = createHash("sha256");
      async function* source(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < total / chunk; i++) {
          // A fresh buffer per chunk with varied content, so a store that keeps chunks alive shows up in
          // the heap and no backend can deduplicate or compress the body away.
          const bytes = Buffer.alloc(chunk, i % 251);
          bytes.writeUInt32BE(i, 0);
          written.update(bytes);
          yield bytes;
        }
      }
      const memory = memoryWatch();
      const result = await store.put("big/200mb.bin", source());
      const expected = written.digest("hex");
      expect(result).toEqual({ key: "big/200mb.bin", size: total, sha256: expected });

      const read = createHash("sha256");
      let size = 0;
      for await (const part of await store.get("big/200mb.bin")) {
        read.update(part as Uint8Array);
        size += (part as Uint8Array).byteLength;
      }
      const growth = memory.stop();
      expect(size).toBe(total);
      expect(read.digest("hex")).toBe(expected);
      expect(await store.head("big/200mb.bin")).toMatchObject({ size: total, sha256: expected });
      // Holding the object would cost at least 200 MB; what a stream needs is a few parts in flight.
      expect(growth).toBeLessThan(100 * MiB);
      await store.delete("big/200mb.bin");
    });
  });
}

/**
 * Peak growth of the live heap plus array buffers over the baseline, sampled while the test runs.
 * Each sample forces a collection first, so garbage the collector has not got round to (and how much
 * of it it lets pile up varies from run to run) does not count: what is measured is what the store
 * keeps alive, which for a store that held the object would be at least its size.
 */
function memoryWatch(): { stop(): number } {
  const collect = exposeGc();
  const sample = () => {
    collect();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const baseline = sample();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, sample());
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, sample()) - baseline;
    },
  };
}

/** `global.gc` without starting node with `--expose-gc`: the flag may be set at run time, then read from a fresh context. */
function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => BallastError.isInstance(error, code);
}

function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function concatFills(count: number, size: number): Uint8Array {
  const out = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) out.fill(i, i * size, (i + 1) * size);
  return out;
}

function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function randomBytesSeeded(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
