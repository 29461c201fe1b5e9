import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BallastError } from "../../errors/index.js";
import { blobStoreContract } from "../contract.js";
import { createLocalBlobStore, LOCAL_RESERVED_DIR } from "./local-blob-store.js";

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "ballast-blob-"));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

blobStoreContract("local (path)", async () => createLocalBlobStore(await freshRoot()));
blobStoreContract("local (file:// URI)", async () =>
  createLocalBlobStore(pathToFileURL(await freshRoot()).href),
);

describe("local blob store", () => {
  it("resolves file:// URIs, relative file:// forms and plain paths to one directory", async () => {
    const root = await freshRoot();
    const fromPath = await createLocalBlobStore(root);
    await fromPath.put("a/b.txt", "x");
    const fromUri = await createLocalBlobStore(pathToFileURL(root).href);
    expect(fromUri.uri).toBe(pathToFileURL(root).href);
    expect((await fromUri.head("a/b.txt"))?.size).toBe(1);
    // `file://some/dir` (no third slash) is read as a path relative to the working directory.
    const relativePath = relative(process.cwd(), join(root, "rel"));
    const fromRelative = await createLocalBlobStore(`file://${relativePath}`);
    expect(fileURLToPath(fromRelative.uri)).toBe(join(root, "rel"));
  });

  it("reads ranges straight into the caller's buffers, short past the end, and validates them", async () => {
    const store = await createLocalBlobStore(await freshRoot());
    const data = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251);
    await store.put("ranges/data", data);
    expect(store.readInto).toBeTypeOf("function");
    const readInto = store.readInto!.bind(store);
    const buffer = new Uint8Array(40);
    const got = await readInto("ranges/data", [
      { offset: 2990, target: buffer.subarray(0, 20) }, // only 10 bytes left
      { offset: 100, target: buffer.subarray(20, 30) },
      { offset: 0, target: buffer.subarray(30, 30) },
    ]);
    expect(got).toEqual([10, 10, 0]);
    expect([...buffer.subarray(0, 10)]).toEqual([...data.subarray(2990)]);
    expect([...buffer.subarray(10, 20)]).toEqual(Array(10).fill(0));
    expect([...buffer.subarray(20, 30)]).toEqual([...data.subarray(100, 110)]);
    await expect(readInto("ranges/data", [{ offset: -1, target: buffer }])).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(readInto("ranges/absent", [{ offset: 0, target: buffer }])).rejects.toMatchObject({
      code: "BLOB_NOT_FOUND",
    });
    const aborted = AbortSignal.abort();
    await expect(
      readInto("ranges/data", [{ offset: 0, target: buffer }], { signal: aborted }),
    ).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("keeps temp files and sidecars out of list, and rejects keys in the reserved directory", async () => {
    const store = await createLocalBlobStore(await freshRoot());
    await store.put("x", "1", { metadata: { a: "b" } });
    expect((await store.list()).items.map((item) => item.key)).toEqual(["x"]);
    await expect(store.put(`${LOCAL_RESERVED_DIR}/tmp/y`, "1")).rejects.toSatisfy((error: unknown) =>
      BallastError.isInstance(error, "BLOB_KEY_INVALID"),
    );
  });

  it("rejects a key that is both an object and a directory of other keys", async () => {
    const store = await createLocalBlobStore(await freshRoot());
    await store.put("a/b", "1");
    await expect(store.put("a", "2")).rejects.toSatisfy((e: unknown) =>
      BallastError.isInstance(e, "BLOB_KEY_INVALID"),
    );
    await expect(store.put("a/b/c", "2")).rejects.toSatisfy((e: unknown) =>
      BallastError.isInstance(e, "BLOB_KEY_INVALID"),
    );
    await store.delete("a/b");
    // Deleting the last key under a directory removes the directory, so the key is free again.
    await store.put("a", "3");
    expect(Buffer.from(await store.getBytes("a")).toString()).toBe("3");
  });

  it("ignores a sidecar that belongs to another version of the object", async () => {
    const root = await freshRoot();
    const store = await createLocalBlobStore(root);
    await store.put("k", "old", { metadata: { v: "old" } });
    // Simulates a crash between the object rename and the sidecar rename: the object changed behind
    // the sidecar's back.
    await rm(join(root, "k"));
    await writeFile(join(root, "k"), "new");
    const info = await store.head("k");
    expect(info).toMatchObject({ key: "k", size: 3 });
    expect(info?.sha256).toBeUndefined();
    expect(info?.metadata).toBeUndefined();
  });

  it("rejects operations after close", async () => {
    const store = await createLocalBlobStore(await freshRoot());
    await store.close();
    await expect(store.head("x")).rejects.toSatisfy((e: unknown) =>
      BallastError.isInstance(e, "RESOURCE_CLOSED"),
    );
  });

  it("leaves no partial object when the writing process is killed, and cleans its temp file", async () => {
    const root = await freshRoot();
    const store = await createLocalBlobStore(root);
    await store.put("model.bin", "old content");
    await killMidWrite(root, "model.bin");
    await killMidWrite(root, "fresh/never-finished.bin");

    const tmp = join(root, LOCAL_RESERVED_DIR, "tmp");
    expect((await readdir(tmp)).length).toBe(2);
    expect(Buffer.from(await store.getBytes("model.bin")).toString()).toBe("old content");
    expect((await store.head("model.bin"))?.sha256).toBeDefined();
    expect(await store.head("fresh/never-finished.bin")).toBeUndefined();
    expect((await store.list()).items.map((item) => item.key)).toEqual(["model.bin"]);

    // A fresh temp file may belong to a live writer in another process: only stale ones go.
    await createLocalBlobStore(root);
    expect((await readdir(tmp)).length).toBe(2);
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const name of await readdir(tmp)) await utimes(join(tmp, name), old, old);
    await createLocalBlobStore(root);
    expect(await readdir(tmp)).toEqual([]);
  }, 60_000);

  it("cleans stale temp files with a custom threshold", async () => {
    const root = await freshRoot();
    await mkdir(join(root, LOCAL_RESERVED_DIR, "tmp"), { recursive: true });
    await writeFile(join(root, LOCAL_RESERVED_DIR, "tmp", "left-over"), "partial");
    await createLocalBlobStore(root, { staleTempAfterMs: 0 });
    expect(await readdir(join(root, LOCAL_RESERVED_DIR, "tmp"))).toEqual([]);
  });
});

/** Spawns a writer of an endless object and SIGKILLs it once it has written a few chunks. */
async function killMidWrite(root: string, key: string): Promise<void> {
  const fixture = fileURLToPath(new URL("./crash-writer.fixture.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture, root, key], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data: Buffer) => {
    stderr += data.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (data: Buffer) => {
      if (data.toString().includes("writing")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}
