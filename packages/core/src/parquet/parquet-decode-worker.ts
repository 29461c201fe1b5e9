/**
 * Worker-thread entry of {@link ParquetDecodePool}: decodes packed one-row-group Parquet files (see
 * `RowGroupDecoder`) with its own copy of the codec and answers with Arrow IPC stream bytes.
 *
 * It imports nothing of Ballast's, only the codec, so the same file runs from the built package
 * (a tsup entry beside the chunks) and from sources. Both directions move their bytes by transfer,
 * not by copy: the packed file in, the IPC stream and the emptied file buffer (for reuse) out.
 */
import { parentPort } from "node:worker_threads";
import type { DecodeReply, DecodeRequest } from "./parquet-decode-protocol.js";

type ParquetWasm = typeof import("parquet-wasm");

const port = parentPort;
if (!port) throw new Error("parquet-decode-worker must run in a worker thread");

let codec: Promise<ParquetWasm> | undefined;

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

port.on("message", (request: DecodeRequest) => {
  codec ??= import("parquet-wasm");
  codec.then(
    (wasm) => {
      let reply: DecodeReply;
      const transfer: ArrayBuffer[] = [];
      try {
        const table = wasm.readParquet(request.file, { batchSize: request.batchSize });
        const ipc = table.intoIPCStream();
        const spare = request.file.buffer as ArrayBuffer;
        reply = { id: request.id, ok: true, ipc, spare };
        transfer.push(ipc.buffer as ArrayBuffer, spare);
      } catch (error) {
        reply = { id: request.id, ok: false, stage: "decode", ...describe(error) };
      }
      port.postMessage(reply, transfer);
    },
    (error: unknown) => {
      codec = undefined;
      port.postMessage({
        id: request.id,
        ok: false,
        stage: "load",
        ...describe(error),
      } satisfies DecodeReply);
    },
  );
});
