export { ByteReader, type CorruptBytesError, corruptBytes } from "./byte-reader.js";
export { ByteWriter } from "./byte-writer.js";
