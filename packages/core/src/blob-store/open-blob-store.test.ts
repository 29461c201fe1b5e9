import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BallastError } from "../errors/index.js";
import { openBlobStore } from "./open-blob-store.js";

const root = await mkdtemp(join(tmpdir(), "ballast-open-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("openBlobStore", () => {
  it("opens file:// URIs and plain paths as local stores on the same directory", async () => {
    await using byUri = await openBlobStore(pathToFileURL(root).href);
    await byUri.put("k", "v");
    await using byPath = await openBlobStore(root);
    expect(byPath.uri).toBe(byUri.uri);
    expect(Buffer.from(await byPath.getBytes("k")).toString()).toBe("v");
  });

  it("rejects an unknown scheme with URI_SCHEME_UNKNOWN", async () => {
    await expect(openBlobStore("ftp://host/dir")).rejects.toSatisfy((error: unknown) =>
      BallastError.isInstance(error, "URI_SCHEME_UNKNOWN"),
    );
  });
});
