import { describe, expect, it } from "vitest";
import { viewKeyPattern, viewKeyStart } from "./redis-key.js";
import { parseNodes, parseRedisTarget } from "./redis-url.js";

describe("parseRedisTarget", () => {
  it("keeps redis:// and rediss:// URLs and splits cluster seeds with credentials", () => {
    expect(parseRedisTarget("redis://127.0.0.1:6379/2")).toEqual({ url: "redis://127.0.0.1:6379/2" });
    expect(parseRedisTarget("rediss://h:6380")).toEqual({ url: "rediss://h:6380" });
    expect(parseRedisTarget("redis+cluster://h1:7000,h2:7001")).toEqual({
      clusterNodes: ["h1:7000", "h2:7001"],
    });
    expect(parseRedisTarget("redis+cluster://app:p%40ss@h1:7000,[::1]:7001/")).toEqual({
      clusterNodes: ["h1:7000", "[::1]:7001"],
      username: "app",
      password: "p@ss",
    });
    expect(parseRedisTarget("redis+cluster://:secret@h1:7000")).toEqual({
      clusterNodes: ["h1:7000"],
      password: "secret",
    });
  });

  it("rejects another scheme and seeds that are not host:port, hiding the password", () => {
    expect(() => parseRedisTarget("memcached://h:1")).toThrow(
      expect.objectContaining({ code: "ONLINE_STORE_REQUEST_INVALID" }),
    );
    expect(parseNodes(["h1:7000", "[::1]:7001"], "x")).toEqual([
      { host: "h1", port: 7000 },
      { host: "::1", port: 7001 },
    ]);
    for (const seeds of [[], ["h1"], ["h1:0"], ["h1:70000"]]) {
      expect(() => parseNodes(seeds, "x")).toThrow(
        expect.objectContaining({ code: "ONLINE_STORE_REQUEST_INVALID" }),
      );
    }
  });
});

describe("Redis key layout", () => {
  it("puts the entity in the hash tag and escapes the view", () => {
    expect(viewKeyStart("ballast:fv:", "driver_stats__v1")).toBe("ballast:fv:driver_stats__v1:{");
    expect(viewKeyStart("p:", "a:b{c}*")).toBe("p:a%3Ab%7Bc%7D%2A:{");
  });

  it("escapes glob characters of the prefix in the SCAN pattern", () => {
    expect(viewKeyPattern("t*[x]?\\:", "v")).toBe("t\\*\\[x\\]\\?\\\\:v:\\{*");
  });
});
