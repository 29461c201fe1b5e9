/**
 * Runs Node scripts in a child process where some packages cannot be resolved, exactly as for a user
 * who did not install an optional peer dependency: an ESM resolve hook and a CommonJS resolver patch
 * both fail those specifiers with Node's own "not found" error codes. Used by the root-entry tests,
 * which load a package's built entry and check it never pulls in a peer it does not need.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface WithoutPeers {
  /** Runs `script` as an ES module (top-level await allowed) and returns its stdout. */
  esm(script: string): string;
  /** Runs `script` as CommonJS and returns its stdout. */
  cjs(script: string): string;
}

/** `peers`: a regular expression source matched against the whole import specifier. */
export function withoutPeers(peers: string, cwd: string): WithoutPeers {
  const hooksDir = mkdtempSync(join(tmpdir(), "ballast-without-peers-"));
  writeFileSync(
    join(hooksDir, "hooks.mjs"),
    `const peers = new RegExp(${JSON.stringify(peers)});
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
const peers = new RegExp(${JSON.stringify(peers)});
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
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd, encoding: "utf8" });
  return {
    esm: (script) => run(["--import", join(hooksDir, "register.mjs"), "--input-type=module", "-e", script]),
    cjs: (script) => run(["-r", join(hooksDir, "block.cjs"), "-e", script]),
  };
}
