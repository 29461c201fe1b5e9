import type { BlobStore } from "@ballast/core";
import { Table } from "apache-arrow";
import { type DatasetRow, rowsToTable } from "./rows-to-table.js";

/**
 * What {@link logDataset} accepts: an Arrow `Table`; a Parquet file in a blob store
 * (`{ key }` in the workspace's artifact store, or `{ store, key }` in another); or rows of plain
 * objects (converted with `rowsToTable`).
 */
export type DatasetInput = Table | { store?: BlobStore; key: string } | readonly DatasetRow[];

/** A dataset input resolved to the two shapes the digest and profile understand. */
export type ResolvedDataset =
  | { kind: "table"; table: Table }
  | { kind: "parquet"; store: BlobStore; key: string };

/** Resolves an input, defaulting a Parquet file's store to `defaultStore`. */
export function resolveDataset(input: DatasetInput, defaultStore: BlobStore): ResolvedDataset {
  // Duck-typed too: a table from a second copy of apache-arrow fails `instanceof`.
  if (input instanceof Table || ("schema" in input && "batches" in input))
    return { kind: "table", table: input as Table };
  if (Array.isArray(input)) return { kind: "table", table: rowsToTable(input as readonly DatasetRow[]) };
  const file = input as { store?: BlobStore; key: string };
  return { kind: "parquet", store: file.store ?? defaultStore, key: file.key };
}
