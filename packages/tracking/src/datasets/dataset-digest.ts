import { createHash } from "node:crypto";
import type { BlobStore } from "@ballast/core";
import { RecordBatchStreamWriter, type Table } from "apache-arrow";

/**
 * The digest of a file-backed dataset: the hex sha256 of the object's bytes, streamed. The same
 * address scheme as artifacts, so a Parquet file logged as an artifact and as a dataset has one digest.
 * Always computed from the bytes rather than taken from the store's recorded sha256, which a writer
 * outside Ballast may have left stale.
 */
export async function blobDigest(store: BlobStore, key: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await store.get(key, signal === undefined ? {} : { signal }))
    hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/**
 * The digest of an in-memory table: the hex sha256 of its Arrow IPC stream encoding (schema message,
 * then each record batch as it is chunked), fed to the hash one batch at a time so the encoding is
 * never held whole. Deterministic: the same schema, batch boundaries and values give the same digest
 * in every process. It identifies the exact encoding, like a file digest: the same rows chunked into
 * other batches, or strings dictionary-encoded instead of plain, give another digest.
 */
export async function tableDigest(table: Table): Promise<string> {
  const hash = createHash("sha256");
  const writer = new RecordBatchStreamWriter();
  const drained = (async () => {
    for await (const chunk of writer) hash.update(chunk);
  })();
  writer.reset(undefined, table.schema);
  for (const batch of table.batches) {
    writer.write(batch);
    // Let the reader above consume this batch's bytes before the next is encoded.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  writer.finish();
  await drained;
  return hash.digest("hex");
}
