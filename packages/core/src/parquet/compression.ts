import { z } from "zod";

/**
 * Compression codecs Ballast writes and reads. All are supported in both directions by the codec
 * (see docs/decisions/0001-parquet-codec.md); `snappy` is the default for its speed, `zstd` gives
 * files about a third smaller for about 1.5× the write time.
 */
export const parquetCompressionSchema = z.enum(["uncompressed", "snappy", "gzip", "brotli", "zstd", "lz4"]);

/** One of {@link parquetCompressionSchema}'s codecs. */
export type ParquetCompression = z.infer<typeof parquetCompressionSchema>;

/** parquet-wasm's own `Compression` enum values (they differ from the Parquet format's codec ids). */
export const WASM_COMPRESSION: Record<ParquetCompression, number> = {
  uncompressed: 0,
  snappy: 1,
  gzip: 2,
  brotli: 3,
  zstd: 5,
  // LZ4_RAW: the interoperable LZ4 codec; the older framed `LZ4` id is deprecated in the format.
  lz4: 6,
};
