import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DependencyMissingError, parseBackendUri } from "@ballast/core";
import { afterAll, describe, expect, it } from "vitest";
import { loadRedisEntry, openOnlineStore } from "./open-online-store.js";

const root = mkdtempSync(join(tmpdir(), "ballast-open-online-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const features = [{ name: "x", type: "int32" as const }];

describe("openOnlineStore", () => {
  it("opens the embedded store in memory, from a relative path and from a parsed URI", async () => {
    const memory = await openOnlineStore("embedded://:memory:");
    expect(memory.kind).toBe("embedded");
    await memory.close();

    const first = await openOnlineStore("embedded://online", { baseDir: root });
    await first.write({ view: "v", features, records: [{ entityKey: "k", eventTime: 1, values: [5] }] });
    await first.close();
    const second = await openOnlineStore(parseBackendUri("online", "embedded://online", root));
    expect(await second.read([{ view: "v", features, entityKeys: ["k"] }])).toEqual([
      [{ eventTime: 1, values: [5] }],
    ]);
    await second.close();

    const parsedMemory = await openOnlineStore(parseBackendUri("online", "embedded://:memory:", root));
    expect(await parsedMemory.read([{ view: "v", features, entityKeys: ["k"] }])).toEqual([[null]]);
    await parsedMemory.close();
  });

  it("refuses another scheme or kind with URI_SCHEME_UNKNOWN", async () => {
    await expect(openOnlineStore("memcached://x")).rejects.toMatchObject({ code: "URI_SCHEME_UNKNOWN" });
    await expect(openOnlineStore(parseBackendUri("stream", "log://x", root))).rejects.toMatchObject({
      code: "URI_SCHEME_UNKNOWN",
    });
  });

  it("reports a missing ioredis as DEPENDENCY_MISSING, other failures unchanged", async () => {
    const missing = Object.assign(
      new Error("Cannot find package 'ioredis' imported from /app/dist/redis.js"),
      {
        code: "ERR_MODULE_NOT_FOUND",
      },
    );
    const error = await loadRedisEntry(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyMissingError);
    expect(error).toMatchObject({ code: "DEPENDENCY_MISSING", packageName: "ioredis" });
    const boom = new Error("boom");
    await expect(loadRedisEntry(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(loadRedisEntry(() => Promise.resolve({}))).rejects.toMatchObject({
      code: "DEPENDENCY_MISSING",
    });
  });
});
