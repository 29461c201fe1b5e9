import { extname } from "node:path";

// The formats ML runs write most; anything else is recorded without a type rather than guessed.
const BY_EXTENSION: Readonly<Record<string, string>> = {
  ".json": "application/json",
  ".jsonl": "application/x-ndjson",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".html": "text/html",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".parquet": "application/vnd.apache.parquet",
  ".arrow": "application/vnd.apache.arrow.file",
  ".onnx": "application/onnx",
  ".gz": "application/gzip",
  ".tar": "application/x-tar",
  ".zip": "application/zip",
};

/**
 * A MIME type for an artifact path from its extension, or undefined for an unknown one. Recorded so a
 * UI can render a logged JSON or PNG without sniffing bytes.
 *
 * @example guessContentType("metrics/confusion.png") // "image/png"
 */
export function guessContentType(path: string): string | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}
