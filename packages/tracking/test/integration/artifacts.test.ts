import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { newId } from "@ballast/core";
import { afterAll, describe, expect, it } from "vitest";
import { contentKey } from "../../src/artifacts/content-key.js";
import { contentExists, putContent, SMALL_CONTENT_BYTES } from "../../src/artifacts/content-store.js";
import { downloadArtifact, downloadArtifacts, readArtifact } from "../../src/artifacts/download-artifact.js";
import { listArtifacts } from "../../src/artifacts/list-artifacts.js";
import { logArtifact } from "../../src/artifacts/log-artifact.js";
import type { TrackingContext } from "../../src/tracking-context.js";
import { trackingBackends } from "../backends.js";
import { expectCode } from "../expect-code.js";
import { seedRun } from "../seed-run.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function streamBytes(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function countKeys(ctx: TrackingContext, prefix: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.blobs.list(cursor === undefined ? { prefix } : { prefix, cursor });
    count += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return count;
}

const scratch = await mkdtemp(join(tmpdir(), "ballast-artifacts-test-"));
afterAll(async () => {
  const { rm } = await import("node:fs/promises");
  await rm(scratch, { recursive: true, force: true });
});

describe.each(trackingBackends())("artifacts on $name", (backend) => {
  it("logs a file, a buffer, text and a stream, and reads each back byte for byte", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const fileBytes = randomBytes(50_000);
    const file = join(scratch, `${newId()}.bin`);
    await writeFile(file, fileBytes);
    const buffer = randomBytes(1234);
    const [fromFile] = await logArtifact(ctx, runId, file, { path: "model/weights.bin" });
    const [fromBuffer] = await logArtifact(ctx, runId, buffer, { path: "raw.bin" });
    const [fromText] = await logArtifact(ctx, runId, { text: '{"a":1}' }, { path: "config.json" });
    const streamed = randomBytes(100_000);
    const [fromStream] = await logArtifact(
      ctx,
      runId,
      { stream: Readable.from([streamed.subarray(0, 10), streamed.subarray(10)]) },
      { path: "s.bin" },
    );

    expect(fromFile).toEqual({ path: "model/weights.bin", sha256: sha256(fileBytes), size: 50_000 });
    expect(fromBuffer).toEqual({ path: "raw.bin", sha256: sha256(buffer), size: 1234 });
    expect(fromText).toMatchObject({ path: "config.json", contentType: "application/json", size: 7 });
    expect(fromStream?.sha256).toBe(sha256(streamed));

    expect(sha256(await streamBytes(await downloadArtifact(ctx, runId, "model/weights.bin")))).toBe(
      sha256(fileBytes),
    );
    expect(Buffer.from(await readArtifact(ctx, runId, "raw.bin")).equals(buffer)).toBe(true);
    expect(Buffer.from(await readArtifact(ctx, runId, "config.json")).toString()).toBe('{"a":1}');
    expect(sha256(await streamBytes(await downloadArtifact(ctx, runId, "s.bin")))).toBe(sha256(streamed));

    const listed = await listArtifacts(ctx, runId);
    expect(listed.map((a) => a.path)).toEqual(["config.json", "model/weights.bin", "raw.bin", "s.bin"]);
    expect(listed[0]).toMatchObject({ runId, contentType: "application/json" });
    expect((await listArtifacts(ctx, runId, { prefix: "model/" })).map((a) => a.path)).toEqual([
      "model/weights.bin",
    ]);
  });

  it("defaults a file's path to its base name", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const name = `${newId()}.txt`;
    await writeFile(join(scratch, name), "hello");
    const [entry] = await logArtifact(ctx, runId, join(scratch, name));
    expect(entry).toMatchObject({ path: name, contentType: "text/plain", size: 5 });
  });

  it("stores identical content once across runs", async () => {
    const ctx = await backend.open();
    const [runA, runB] = [await seedRun(ctx), await seedRun(ctx)];
    const bytes = randomBytes(4096);
    const digest = sha256(bytes);
    const first = await putContent(ctx, bytes);
    expect(first).toEqual({ sha256: digest, size: 4096, created: true });
    await logArtifact(ctx, runA, bytes, { path: "a.bin" });
    await logArtifact(ctx, runB, Buffer.from(bytes), { path: "b/other-name.bin" });
    await logArtifact(ctx, runB, { stream: Readable.from([bytes]) }, { path: "c.bin" });
    expect(await countKeys(ctx, contentKey(digest))).toBe(1);
    expect(await contentExists(ctx, digest)).toBe(true);
    // Every object under content/ is addressed by its own digest.
    const page = await ctx.blobs.list({ prefix: `content/sha256/${digest.slice(0, 2)}/` });
    expect(page.items.filter((item) => item.key.endsWith(digest))).toHaveLength(1);
  });

  it("stages a large stream, stores it once, and leaves no staging object", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const big = randomBytes(SMALL_CONTENT_BYTES + 123_457);
    const chunks = Array.from({ length: Math.ceil(big.length / 65_536) }, (_, k) =>
      big.subarray(k * 65_536, (k + 1) * 65_536),
    );
    const stagingBefore = await countKeys(ctx, "staging/");
    const [entry] = await logArtifact(ctx, runId, { stream: Readable.from(chunks) }, { path: "big.bin" });
    expect(entry).toMatchObject({ sha256: sha256(big), size: big.length });
    const again = await putContent(ctx, { stream: Readable.from(chunks) });
    expect(again).toEqual({ sha256: sha256(big), size: big.length, created: false });
    expect(await countKeys(ctx, contentKey(sha256(big)))).toBe(1);
    expect(await countKeys(ctx, "staging/")).toBe(stagingBefore);
    expect(sha256(await streamBytes(await downloadArtifact(ctx, runId, "big.bin")))).toBe(sha256(big));
  });

  it("logs a directory recursively and restores it", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const dir = join(scratch, `model-${newId()}`);
    const files: Record<string, Buffer> = {
      "weights.bin": randomBytes(3000),
      "config/params.json": Buffer.from('{"lr":0.1}'),
      "config/nested/deep.txt": Buffer.from("deep"),
      "empty.txt": Buffer.alloc(0),
    };
    for (const [relative, bytes] of Object.entries(files)) {
      await mkdir(join(dir, relative, ".."), { recursive: true });
      await writeFile(join(dir, relative), bytes);
    }
    await mkdir(join(dir, "no-files-here"));
    const entries = await logArtifact(ctx, runId, dir, { path: "model" });
    expect(entries.map((e) => e.path)).toEqual([
      "model/config/nested/deep.txt",
      "model/config/params.json",
      "model/empty.txt",
      "model/weights.bin",
    ]);
    const { rows } = await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tracking_artifacts WHERE workspace_id = $1 AND run_id = $2",
      [ctx.workspaceId, runId],
    );
    expect(rows[0]?.n).toBe(4);

    const restored = join(scratch, `restored-${newId()}`);
    const written = await downloadArtifacts(ctx, runId, "model", restored);
    expect(written).toHaveLength(4);
    for (const [relative, bytes] of Object.entries(files)) {
      expect(sha256(await readFile(join(restored, relative)))).toBe(sha256(bytes));
    }
    const single = join(scratch, `single-${newId()}`);
    await downloadArtifacts(ctx, runId, "model/config/params.json", single);
    expect((await readFile(join(single, "params.json"))).toString()).toBe('{"lr":0.1}');

    // Re-logging the same directory is a no-op.
    expect(await logArtifact(ctx, runId, dir, { path: "model" })).toEqual(entries);
  });

  it("treats the same content at the same path as a no-op and other content as a conflict", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    await logArtifact(ctx, runId, { text: "v1" }, { path: "notes.txt" });
    await logArtifact(ctx, runId, { text: "v1" }, { path: "notes.txt" });
    const error = await expectCode(
      logArtifact(ctx, runId, { text: "v2" }, { path: "notes.txt" }),
      "ARTIFACT_CONFLICT",
    );
    expect(error.details).toMatchObject({ path: "notes.txt", existingSha256: sha256(Buffer.from("v1")) });
    expect(Buffer.from(await readArtifact(ctx, runId, "notes.txt")).toString()).toBe("v1");

    // A directory with one conflicting file records none of its files.
    const dir = join(scratch, `conflict-${newId()}`);
    await mkdir(dir);
    await writeFile(join(dir, "fresh.txt"), "fresh");
    await writeFile(join(dir, "notes.txt"), "v3");
    await expectCode(logArtifact(ctx, runId, dir, { path: "" }), "ARTIFACT_CONFLICT");
    expect((await listArtifacts(ctx, runId)).map((a) => a.path)).toEqual(["notes.txt"]);
  });

  it("rejects invalid paths before storing anything", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    for (const path of ["../escape", "/abs", "a//b", "a/./b", "a\\b", ""]) {
      await expectCode(logArtifact(ctx, runId, { text: "x" }, { path }), "ARTIFACT_PATH_INVALID");
    }
    await expectCode(logArtifact(ctx, runId, randomBytes(3)), "ARTIFACT_PATH_INVALID");
    await expectCode(readArtifact(ctx, runId, "../x"), "ARTIFACT_PATH_INVALID");
    await expectCode(downloadArtifacts(ctx, runId, "../x", scratch), "ARTIFACT_PATH_INVALID");
    expect(await listArtifacts(ctx, runId)).toEqual([]);
  });

  it("fails with RUN_NOT_FOUND and ARTIFACT_NOT_FOUND", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    await expectCode(logArtifact(ctx, newId(), { text: "x" }, { path: "x" }), "RUN_NOT_FOUND");
    await expectCode(listArtifacts(ctx, newId()), "RUN_NOT_FOUND");
    await expectCode(readArtifact(ctx, runId, "missing.txt"), "ARTIFACT_NOT_FOUND");
    await expectCode(downloadArtifact(ctx, runId, "missing.txt"), "ARTIFACT_NOT_FOUND");
    await expectCode(downloadArtifacts(ctx, runId, "missing", scratch), "ARTIFACT_NOT_FOUND");
  });

  it("detects content altered in the store", async () => {
    const ctx = await backend.open();
    const runId = await seedRun(ctx);
    const bytes = randomBytes(2048);
    await logArtifact(ctx, runId, bytes, { path: "victim.bin" });
    await ctx.blobs.put(contentKey(sha256(bytes)), randomBytes(2048));
    await expectCode(readArtifact(ctx, runId, "victim.bin"), "ARTIFACT_CORRUPT");
    await expectCode(streamBytes(await downloadArtifact(ctx, runId, "victim.bin")), "ARTIFACT_CORRUPT");
    const target = join(scratch, `corrupt-${newId()}`);
    await expectCode(downloadArtifacts(ctx, runId, "victim.bin", target), "ARTIFACT_CORRUPT");
    await expect(readFile(join(target, "victim.bin"))).rejects.toThrow(/ENOENT/);
    // Restore the content so later tests sharing this store see correct bytes.
    await ctx.blobs.put(contentKey(sha256(bytes)), bytes);
  });

  it("keeps workspaces apart", async () => {
    const a = await backend.open();
    const b = await backend.open();
    const runA = await seedRun(a);
    await logArtifact(a, runA, { text: "secret" }, { path: "secret.txt" });
    await expectCode(listArtifacts(b, runA), "RUN_NOT_FOUND");
    await expectCode(readArtifact(b, runA, "secret.txt"), "RUN_NOT_FOUND");
    await expectCode(logArtifact(b, runA, { text: "x" }, { path: "x" }), "RUN_NOT_FOUND");
    const runB = await seedRun(b);
    expect(await listArtifacts(b, runB)).toEqual([]);
  });
});
