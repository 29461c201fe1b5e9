import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/**
 * The sha256 and size of a local file, read once in a stream. Reading a local file twice (hash, then
 * upload) is far cheaper than uploading twice, which is what staging a remote copy would cost.
 */
export async function hashFile(
  file: string,
  signal?: AbortSignal,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const stream = createReadStream(file, signal === undefined ? {} : { signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}
