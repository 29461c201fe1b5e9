/**
 * The root entry must never load an optional peer (pg, the AWS SDK, the GCS client, kafkajs), in
 * ESM or CommonJS. These tests load the built entry in a child process where every peer is made
 * unresolvable, exactly as for a user who installed none of them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const PEERS = String.raw`^(pg|pg-[a-z-]+|kafkajs|@aws-sdk\/.*|@smithy\/.*|@google-cloud\/.*)$`;
const packageDir = join(import.meta.dirname, "..");
let hooksDir: string;

beforeAll(() => {
  hooksDir = mkdtempSync(join(tmpdir(), "ballast-peers-"));
  // ESM: a resolve hook that fails like a missing package, and records what was asked for.
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
  // CommonJS: the same rule through the resolver require() uses.
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

function runNode(args: string[], script: string): string {
  return execFileSync(process.execPath, [...args, "--input-type=module", "-e", script], {
    cwd: packageDir,
    encoding: "utf8",
  });
}

describe("the root entry", () => {
  it("imports as ESM with every optional peer absent", () => {
    const out = runNode(
      ["--import", join(hooksDir, "register.mjs")],
      `const core = await import("@ballast/core"); console.log(typeof core.openWorkspace, typeof core.BallastError);`,
    );
    expect(out.trim()).toBe("function function");
  });

  it("requires as CommonJS with every optional peer absent", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        join(hooksDir, "block.cjs"),
        "-e",
        `const core = require("@ballast/core"); console.log(typeof core.openWorkspace, typeof core.loadConfig);`,
      ],
      { cwd: packageDir, encoding: "utf8" },
    );
    expect(out.trim()).toBe("function function");
  });

  it.each([
    ["metadata", "postgres://u@127.0.0.1:1/x", "pg"],
    ["artifacts", "s3://bucket/prefix", "@aws-sdk/client-s3"],
    ["artifacts", "gs://bucket/prefix", "@google-cloud/storage"],
    ["stream", "kafka://127.0.0.1:1", "kafkajs"],
  ])("opening %s %s without its peer fails with DEPENDENCY_MISSING naming %s", (kind, uri, peer) => {
    const accessor = kind === "metadata" ? "metadata" : kind === "artifacts" ? "artifacts" : "stream";
    const out = runNode(
      ["--import", join(hooksDir, "register.mjs")],
      `const { openWorkspace } = await import("@ballast/core");
const workspace = await openWorkspace({ ${kind}: ${JSON.stringify(uri)} }, { env: {}, configFile: false });
try { await workspace.${accessor}(); console.log("opened"); }
catch (error) { console.log(JSON.stringify({ code: error.code, packageName: error.packageName, hint: error.hint })); }`,
    );
    expect(JSON.parse(out)).toEqual({
      code: "DEPENDENCY_MISSING",
      packageName: peer,
      hint: `Run: npm install ${peer}`,
    });
  });
});
