/**
 * The root entry must never load the optional peer ioredis, in ESM or CommonJS: these tests load the
 * built entry (run `npx turbo run build --filter=@ballast/features` first) in a child process where
 * ioredis is unresolvable, exactly as for a user who did not install it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withoutPeers } from "../../../test-support/without-peers.js";

const node = withoutPeers(String.raw`^(ioredis|ioredis\/.*)$`, join(import.meta.dirname, ".."));

describe("the root entry of @ballast/features", () => {
  it("imports as ESM without ioredis", () => {
    const out = node.esm(
      `const f = await import("@ballast/features"); console.log(typeof f.openFeatureStore, typeof f.defineFeatureView, typeof f.createEmbeddedOnlineStore, typeof f.pointInTimeJoin);`,
    );
    expect(out.trim()).toBe("function function function function");
  });

  it("requires as CommonJS without ioredis", () => {
    const out = node.cjs(
      `const f = require("@ballast/features"); console.log(typeof f.openFeatureStore, typeof f.serializeEntityKey);`,
    );
    expect(out.trim()).toBe("function function");
  });

  it("works embedded without ioredis, and a Redis URI fails with DEPENDENCY_MISSING naming it", () => {
    const out = node.esm(
      `const { createPGliteDatabase, createLocalBlobStore } = await import("@ballast/core");
const { openFeatureStore, createEmbeddedOnlineStore } = await import("@ballast/features");
const { mkdtempSync } = await import("node:fs"); const { tmpdir } = await import("node:os"); const { join } = await import("node:path");
const metadata = await createPGliteDatabase({});
const blobs = await createLocalBlobStore(mkdtempSync(join(tmpdir(), "ballast-root-")));
const embedded = await openFeatureStore({ metadata, blobs, online: await createEmbeddedOnlineStore({ path: ":memory:" }) });
const kind = (await embedded.onlineStore()).kind;
const store = await openFeatureStore({ metadata, blobs, online: "redis://127.0.0.1:1" });
let result;
try { await store.onlineStore(); result = { opened: true }; }
catch (error) { result = { code: error.code, packageName: error.packageName }; }
await embedded.close(); await store.close(); await metadata.close();
console.log(JSON.stringify({ kind, ...result }));`,
    );
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({
      kind: "embedded",
      code: "DEPENDENCY_MISSING",
      packageName: "ioredis",
    });
  }, 60_000);
});
