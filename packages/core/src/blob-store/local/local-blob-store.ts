import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rmdir,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BallastError } from "../../errors/index.js";
import { asBlobError, blobAborted, blobAlreadyExists, blobNotFound } from "../blob-errors.js";
import { bodyChunks, emptyStream, readAll } from "../body.js";
import { ContentDigest } from "../content-digest.js";
import { assertValidKey, assertValidPrefix, compareKeys } from "../key.js";
import { listLimit } from "../list-limit.js";
import { byteRange } from "../range.js";
import type {
  BlobBody,
  BlobInfo,
  BlobStore,
  GetOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  RangeRead,
} from "../types.js";

/** Largest piece a read stream yields. */
const READ_CHUNK_BYTES = 1 << 22;

/**
 * Top-level directory the store keeps for itself: `tmp/` for writes in progress, `meta/` for
 * sidecars. It sits inside the root so a temp file and its object share a filesystem and `rename`
 * stays atomic. Keys under it are rejected and it never appears in `list`.
 */
export const LOCAL_RESERVED_DIR = ".ballast-blob";

/** Options of {@link createLocalBlobStore}. */
export interface LocalBlobStoreOptions {
  /**
   * Temp files untouched for this long are taken to be left by a crashed writer and deleted when a
   * store opens. A live writer touches its temp file on every chunk, so only a writer whose source
   * stalls for longer than this loses its write (it then fails; it never corrupts). Default 1 hour.
   */
  staleTempAfterMs?: number;
}

/**
 * What a sidecar records. `ino` and `mtimeNs` tie it to one version of the object file (a rename
 * keeps the temp file's inode and mtime), so a sidecar that differs from the object file in any of
 * `ino`, `mtimeNs` or `size` describes another version (left by a crash between the two renames, by
 * racing writers, or by a tool editing the file) and is ignored. The inode alone would not do: a
 * freed inode is soon reused.
 */
interface Sidecar {
  ino: string;
  mtimeNs: string;
  size: number;
  sha256: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

/**
 * Opens a blob store on the local filesystem.
 *
 * Objects are plain files under the root (`<root>/runs/42/model.onnx`), so they can be read with
 * any tool. Writes go to a temp file under `<root>/.ballast-blob/tmp/`, are fsynced, then renamed
 * into place, so a reader, or a process after a crash, sees the old object or the new one, never a
 * part. `ifNoneMatch` uses `link()`, which fails atomically when the key exists, across processes.
 *
 * sha256, content type and metadata live in a JSON sidecar under `<root>/.ballast-blob/meta/`, written
 * beside the object rather than recomputed, so `head` stays cheap on large files. A sidecar that does
 * not match the object file (see {@link Sidecar}) is ignored, so `head` may omit `sha256` but never
 * reports a wrong one.
 *
 * Limits: a key cannot be both an object and a prefix of another key's directory (`a` and `a/b`),
 * since both are paths on disk; `list` walks the directory tree under the prefix on every page.
 *
 * @param location a `file://` URI (`file:///data/artifacts`, or the relative `file://.ballast/artifacts`)
 * or a directory path; created when missing.
 * @throws BallastError `BLOB_STORE_ERROR` when the directory cannot be created.
 *
 * @example
 * await using store = await createLocalBlobStore("file://.ballast/artifacts");
 * await store.put("runs/42/metrics.json", JSON.stringify(metrics), { contentType: "application/json" });
 */
export async function createLocalBlobStore(
  location: string,
  options: LocalBlobStoreOptions = {},
): Promise<BlobStore> {
  const root = localRoot(location);
  const uri = pathToFileURL(root).href;
  try {
    await mkdir(join(root, LOCAL_RESERVED_DIR, "tmp"), { recursive: true });
    await mkdir(join(root, LOCAL_RESERVED_DIR, "meta"), { recursive: true });
    await removeStaleTemps(join(root, LOCAL_RESERVED_DIR, "tmp"), options.staleTempAfterMs ?? 3_600_000);
  } catch (error) {
    throw asBlobError(uri, `open the directory ${root}`, error);
  }
  return new LocalBlobStore(root, uri);
}

/** Resolves a `file://` URI or a path to an absolute directory. */
function localRoot(location: string): string {
  if (!location.startsWith("file:")) return resolve(location);
  // `file://.ballast/x` is what people write for a relative directory, though a URL parser would read
  // `.ballast` as a host; only `file:///abs` (empty host) is a real file URL.
  if (location.startsWith("file:///") || location.startsWith("file://localhost/"))
    return fileURLToPath(location);
  const path = decodeURIComponent(location.replace(/^file:(\/\/)?/, ""));
  return isAbsolute(path) ? path : resolve(path);
}

async function removeStaleTemps(tmpDir: string, staleAfterMs: number): Promise<void> {
  const cutoff = Date.now() - staleAfterMs;
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(ignoreCode("ENOENT"));
    if (info && info.mtimeMs <= cutoff) await unlink(path).catch(ignoreCode("ENOENT"));
  }
}

class LocalBlobStore implements BlobStore {
  readonly specificationVersion = "v1";
  readonly uri: string;
  readonly #root: string;
  #closed = false;

  constructor(root: string, uri: string) {
    this.#root = root;
    this.uri = uri;
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    this.#checkKey(key);
    const { signal } = options;
    if (signal?.aborted) throw blobAborted(this.uri, key, signal.reason);
    const temp = this.#tempPath();
    const sidecarTemp = this.#tempPath();
    try {
      const digest = new ContentDigest();
      const file = await open(temp, "wx");
      let identity: { ino: string; mtimeNs: string };
      try {
        for await (const chunk of digest.tap(bodyChunks(body))) {
          if (signal?.aborted) throw blobAborted(this.uri, key, signal.reason);
          await writeAll(file, chunk);
        }
        await file.sync();
        const written = await file.stat({ bigint: true });
        identity = { ino: String(written.ino), mtimeNs: String(written.mtimeNs) };
      } finally {
        await file.close();
      }
      if (signal?.aborted) throw blobAborted(this.uri, key, signal.reason);
      const result: PutResult = { key, size: digest.size, sha256: digest.hex() };
      const sidecar: Sidecar = {
        ...identity,
        size: result.size,
        sha256: result.sha256,
        ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      };
      // Prepared before the object becomes visible, so only renames, which rarely fail, remain after it.
      await writeFile(sidecarTemp, JSON.stringify(sidecar), { flag: "wx" });

      const target = this.#objectPath(key);
      await this.#intoPlace(target, async () => {
        if (!options.ifNoneMatch) return rename(temp, target);
        try {
          await link(temp, target);
        } catch (error) {
          if (hasCode(error, "EEXIST")) throw blobAlreadyExists(this.uri, key, error);
          throw error;
        }
      });
      const sidecarPath = this.#sidecarPath(key);
      await this.#intoPlace(sidecarPath, () => rename(sidecarTemp, sidecarPath));
      await syncDir(dirname(target));
      return result;
    } catch (error) {
      throw asBlobError(this.uri, `write "${key}"`, mapKeyShapeError(error, this.uri, key), key);
    } finally {
      await unlink(temp).catch(ignoreCode("ENOENT"));
      await unlink(sidecarTemp).catch(ignoreCode("ENOENT"));
    }
  }

  /**
   * Opens an object for reading, with its size. The open handle pins this version: a concurrent
   * overwrite renames a new file over the path.
   */
  async #openObject(key: string): Promise<{ file: FileHandle; size: number }> {
    this.#checkKey(key);
    let file: FileHandle;
    try {
      file = await open(this.#objectPath(key), "r");
    } catch (error) {
      if (isAbsent(error)) throw blobNotFound(this.uri, key, error);
      throw asBlobError(this.uri, `read "${key}"`, error, key);
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) throw blobNotFound(this.uri, key);
      return { file, size: info.size };
    } catch (error) {
      await file.close();
      throw asBlobError(this.uri, `read "${key}"`, error, key);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    const { offset, length } = byteRange(options);
    const { file, size } = await this.#openObject(key);
    try {
      const end = length === undefined ? size : Math.min(size, offset + length);
      if (offset >= end) {
        await file.close();
        return emptyStream();
      }
      // Chunks of up to 4 MiB instead of the 64 KiB default: a Parquet column chunk arrives in a few
      // reads and allocations rather than dozens.
      return file.createReadStream({
        start: offset,
        end: end - 1,
        autoClose: true,
        highWaterMark: Math.min(end - offset, READ_CHUNK_BYTES),
      });
    } catch (error) {
      await file.close();
      throw asBlobError(this.uri, `read "${key}"`, error, key);
    }
  }

  async getBytes(key: string, options: GetOptions = {}): Promise<Uint8Array> {
    return readAll(await this.get(key, options));
  }

  async readInto(
    key: string,
    reads: readonly RangeRead[],
    options: { signal?: AbortSignal } = {},
  ): Promise<number[]> {
    for (const { offset } of reads) byteRange({ offset });
    // One open handle for every range, so all of them read the same version of the object.
    const { file } = await this.#openObject(key);
    try {
      return await Promise.all(
        reads.map(async ({ offset, target }) => {
          let done = 0;
          while (done < target.length) {
            if (options.signal?.aborted) {
              throw new BallastError("ABORTED", `Reading "${key}" from ${this.uri} was aborted.`, {
                cause: options.signal.reason,
              });
            }
            const { bytesRead } = await file.read(target, done, target.length - done, offset + done);
            if (bytesRead === 0) break;
            done += bytesRead;
          }
          return done;
        }),
      );
    } catch (error) {
      if (BallastError.isInstance(error)) throw error;
      throw asBlobError(this.uri, `read "${key}"`, error, key);
    } finally {
      await file.close();
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    this.#checkKey(key);
    try {
      const info = await stat(this.#objectPath(key), { bigint: true }).catch(ignoreAbsent);
      if (!info?.isFile()) return undefined;
      const blob: BlobInfo = { key, size: Number(info.size), lastModified: Number(info.mtimeMs) };
      const text = await readFile(this.#sidecarPath(key), "utf8").catch(ignoreAbsent);
      const sidecar = text === undefined ? undefined : (JSON.parse(text) as Sidecar);
      if (
        sidecar &&
        sidecar.ino === String(info.ino) &&
        sidecar.mtimeNs === String(info.mtimeNs) &&
        sidecar.size === blob.size
      ) {
        blob.sha256 = sidecar.sha256;
        if (sidecar.contentType !== undefined) blob.contentType = sidecar.contentType;
        if (sidecar.metadata !== undefined) blob.metadata = sidecar.metadata;
      }
      return blob;
    } catch (error) {
      throw asBlobError(this.uri, `head "${key}"`, error, key);
    }
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    this.#checkOpen();
    const prefix = options.prefix ?? "";
    assertValidPrefix(prefix);
    const limit = listLimit(options.limit);
    try {
      const startDir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const keys: string[] = [];
      await this.#walk(startDir, prefix, options.cursor, keys);
      keys.sort(compareKeys);
      const items: BlobInfo[] = [];
      let index = 0;
      for (; index < keys.length && items.length < limit; index++) {
        const key = keys[index]!;
        // A file deleted between the walk and here is simply not listed.
        const info = await stat(this.#objectPath(key)).catch(ignoreAbsent);
        if (info?.isFile()) items.push({ key, size: info.size, lastModified: info.mtimeMs });
      }
      const last = items.at(-1);
      return index < keys.length && last ? { items, cursor: last.key } : { items };
    } catch (error) {
      throw asBlobError(this.uri, `list "${prefix}"`, error);
    }
  }

  async delete(key: string): Promise<void> {
    this.#checkKey(key);
    try {
      const target = this.#objectPath(key);
      await unlink(target).catch(ignoreCode("ENOENT", "ENOTDIR", "EISDIR", "EPERM"));
      await unlink(this.#sidecarPath(key)).catch(ignoreAbsent);
      await this.#pruneEmptyDirs(dirname(target), this.#root);
      await this.#pruneEmptyDirs(
        dirname(this.#sidecarPath(key)),
        join(this.#root, LOCAL_RESERVED_DIR, "meta"),
      );
    } catch (error) {
      throw asBlobError(this.uri, `delete "${key}"`, error, key);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #walk(dir: string, prefix: string, cursor: string | undefined, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir === "" ? this.#root : join(this.#root, ...dir.split("/")), {
        withFileTypes: true,
      });
    } catch (error) {
      if (isAbsent(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (dir === "" && entry.name === LOCAL_RESERVED_DIR) continue;
      const key = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        const asPrefix = `${key}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix))
          await this.#walk(key, prefix, cursor, out);
      } else if (
        entry.isFile() &&
        key.startsWith(prefix) &&
        (cursor === undefined || compareKeys(key, cursor) > 0)
      ) {
        out.push(key);
      }
    }
  }

  /** Runs a rename/link into `target`, creating its directory; retries once if a delete pruned it meanwhile. */
  async #intoPlace(target: string, move: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await mkdir(dirname(target), { recursive: true });
      try {
        return await move();
      } catch (error) {
        if (attempt > 0 || !hasCode(error, "ENOENT")) throw error;
      }
    }
  }

  async #pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
    for (let current = dir; current !== stopAt && current.startsWith(stopAt); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch (error) {
        if (hasCode(error, "ENOTEMPTY", "EEXIST", "ENOENT", "EBUSY")) return;
        throw error;
      }
    }
  }

  #checkKey(key: string): void {
    this.#checkOpen();
    assertValidKey(key);
    if (key === LOCAL_RESERVED_DIR || key.startsWith(`${LOCAL_RESERVED_DIR}/`)) {
      throw new BallastError(
        "BLOB_KEY_INVALID",
        `Blob key "${key}" is inside the reserved ${LOCAL_RESERVED_DIR}/.`,
        {
          hint: `The local store keeps temp files and sidecars in ${LOCAL_RESERVED_DIR}/; use another first segment.`,
          details: { key },
        },
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new BallastError("RESOURCE_CLOSED", `The blob store ${this.uri} is closed.`);
  }

  #objectPath(key: string): string {
    return join(this.#root, ...key.split("/"));
  }

  #sidecarPath(key: string): string {
    return `${join(this.#root, LOCAL_RESERVED_DIR, "meta", ...key.split("/"))}.json`;
  }

  #tempPath(): string {
    return join(this.#root, LOCAL_RESERVED_DIR, "tmp", randomUUID());
  }
}

/** `FileHandle.write` may write less than asked; loop until the chunk is down. */
async function writeAll(file: Awaited<ReturnType<typeof open>>, chunk: Uint8Array): Promise<void> {
  for (let written = 0; written < chunk.byteLength; ) {
    const { bytesWritten } = await file.write(chunk, written, chunk.byteLength - written);
    written += bytesWritten;
  }
}

/** Makes a rename durable: the new directory entry survives a power loss only once the directory is synced. */
async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; its rename durability is the filesystem's business.
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A key whose path runs into a file (`a` exists, put `a/b`) or a directory (`a/b` exists, put `a`). */
function mapKeyShapeError(error: unknown, uri: string, key: string): unknown {
  if (!hasCode(error, "ENOTDIR", "EISDIR", "EEXIST")) return error;
  return new BallastError(
    "BLOB_KEY_INVALID",
    `Blob key "${key}" clashes with another key in ${uri}: on a filesystem one key cannot be both an object and a directory of others.`,
    {
      cause: error,
      hint: 'Avoid keys that are both an object and a prefix ending in "/" of other keys.',
      details: { key },
    },
  );
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && codes.includes(code);
}

function isAbsent(error: unknown): boolean {
  return hasCode(error, "ENOENT", "ENOTDIR", "EISDIR");
}

function ignoreAbsent(error: unknown): undefined {
  if (isAbsent(error)) return undefined;
  throw error;
}

function ignoreCode(...codes: string[]): (error: unknown) => undefined {
  return (error) => {
    if (hasCode(error, ...codes)) return undefined;
    throw error;
  };
}
