/** Messages between {@link ParquetDecodePool} and its workers (types only: the worker imports nothing at run time). */

/** Decode one packed one-row-group file into batches of at most `batchSize` rows. */
export interface DecodeRequest {
  id: number;
  /** Transferred: the sender must not use it afterwards. */
  file: Uint8Array;
  batchSize: number;
}

/** The decoded row group as an Arrow IPC stream, or why it failed. */
export type DecodeReply =
  | {
      id: number;
      ok: true;
      ipc: Uint8Array;
      /** The request's file buffer, handed back (transferred) for reuse. */
      spare: ArrayBuffer;
    }
  | {
      id: number;
      ok: false;
      /** "load": the codec could not be loaded; "decode": it rejected the bytes. */
      stage: "load" | "decode";
      name: string;
      message: string;
    };
