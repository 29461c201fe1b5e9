/**
 * The root entry must never load the optional peer ioredis, in ESM or CommonJS: these tests load the
 * built entry (run `npx turbo run build --filter=@ballast/features` first) in a child process where
 * ioredis is unresolvable, exactly as for a user who did not install it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const PEERS = String.raw`^(ioredis|ioredis\/.*)$`;
const packageDir = join(import.meta.dirname, "..");
let hooksDir: string;

beforeAll(() => {
  hooksDir = mkdtempSync(join(tmpdir(), "ballast-features-peers-"));
  writeFileSync(
    join(hooksDir, "hooks.mjs"),
    `const peers = new RegExp(${JSON.stringify(PEERS)});
export async function resolve(specifier, context, next) {
  if (peers.test(specifier)) {
    const error = new Error("Cannot find package '" + specifier + "'");
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}`,
  );
  writeFileSync(
    join(hooksDir, "register.mjs"),
    `import { register } from "node:module"; register(${JSON.stringify(`file://${join(hooksDir, "hooks.mjs")}`)});`,
  );
  writeFileSync(
    join(hooksDir, "block.cjs"),
    `const Module = require("node:module");
const peers = new RegExp(${JSON.stringify(PEERS)});
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (peers.test(request)) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return original.call(this, request, ...rest);
};`,
  );
});

function runModule(script: string): string {
  return execFileSync(
    process.execPath,
    ["--import", join(hooksDir, "register.mjs"), "--input-type=module", "-e", script],
    {
      cwd: packageDir,
      encoding: "utf8",
    },
  );
}

describe("the root entry of @ballast/features", () => {
  it("imports as ESM without ioredis", () => {
    const out = runModule(
      `const f = await import("@ballast/features"); console.log(typeof f.openFeatureStore, typeof f.defineFeatureView, typeof f.createEmbeddedOnlineStore, typeof f.pointInTimeJoin);`,
    );
    expect(out.trim()).toBe("function function function function");
  });

  it("requires as CommonJS without ioredis", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        join(hooksDir, "block.cjs"),
        "-e",
        `const f = require("@ballast/features"); console.log(typeof f.openFeatureStore, typeof f.serializeEntityKey);`,
      ],
      { cwd: packageDir, encoding: "utf8" },
    );
    expect(out.trim()).toBe("function function");
  });

  it("works embedded without ioredis, and a Redis URI fails with DEPENDENCY_MISSING naming it", () => {
    const out = runModule(
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
