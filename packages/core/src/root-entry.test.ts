/**
 * The root entry must never load an optional peer (pg, the AWS SDK, the GCS client, kafkajs), in
 * ESM or CommonJS. These tests load the built entry in a child process where every peer is made
 * unresolvable, exactly as for a user who installed none of them.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withoutPeers } from "../../../test-support/without-peers.js";

const node = withoutPeers(
  String.raw`^(pg|pg-[a-z-]+|kafkajs|@aws-sdk\/.*|@smithy\/.*|@google-cloud\/.*)$`,
  join(import.meta.dirname, ".."),
);

describe("the root entry", () => {
  it("imports as ESM with every optional peer absent", () => {
    const out = node.esm(
      `const core = await import("@ballast/core"); console.log(typeof core.openWorkspace, typeof core.BallastError);`,
    );
    expect(out.trim()).toBe("function function");
  });

  it("requires as CommonJS with every optional peer absent", () => {
    const out = node.cjs(
      `const core = require("@ballast/core"); console.log(typeof core.openWorkspace, typeof core.loadConfig);`,
    );
    expect(out.trim()).toBe("function function");
  });

  it.each([
    ["metadata", "postgres://u@127.0.0.1:1/x", "pg"],
    ["artifacts", "s3://bucket/prefix", "@aws-sdk/client-s3"],
    ["artifacts", "gs://bucket/prefix", "@google-cloud/storage"],
    ["stream", "kafka://127.0.0.1:1", "kafkajs"],
  ])("opening %s %s without its peer fails with DEPENDENCY_MISSING naming %s", (kind, uri, peer) => {
    const out = node.esm(
      `const { openWorkspace } = await import("@ballast/core");
const workspace = await openWorkspace({ ${kind}: ${JSON.stringify(uri)} }, { env: {}, configFile: false });
try { await workspace.${kind}(); console.log("opened"); }
catch (error) { console.log(JSON.stringify({ code: error.code, packageName: error.packageName, hint: error.hint })); }`,
    );
    expect(JSON.parse(out)).toEqual({
      code: "DEPENDENCY_MISSING",
      packageName: peer,
      hint: `Run: npm install ${peer}`,
    });
  });
});
