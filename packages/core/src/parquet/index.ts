export { type ParquetCompression, parquetCompressionSchema } from "./compression.js";
export {
  ParquetDecodePool,
  type ParquetDecodePoolOptions,
  sharedParquetDecodePool,
} from "./parquet-decode-pool.js";
export { ParquetError, type ParquetErrorLocation } from "./parquet-error.js";
export { type ReadParquetOptions, readParquet } from "./read-parquet.js";
export {
  type ParquetColumnChunkInfo,
  type ParquetMetadata,
  type ParquetRowGroupInfo,
  readParquetMetadata,
} from "./read-parquet-metadata.js";
export { type ScanParquetOptions, scanParquet } from "./scan-parquet.js";
export {
  type WriteParquetOptions,
  type WriteParquetProgress,
  type WriteParquetResult,
  writeParquet,
  writeParquetSettingsSchema,
} from "./write-parquet.js";
