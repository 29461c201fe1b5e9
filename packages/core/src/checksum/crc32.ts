import * as zlib from "node:zlib";

// zlib.crc32 (Node >= 20.15) is native and SIMD-accelerated; older runtimes and Deno builds
// without it use the table version below, which gives the same CRC-32 (IEEE 802.3) values.
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

function tableCrc32(data: Uint8Array, previous: number): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * CRC-32 (IEEE, the checksum of zip and gzip) of `data`, unsigned. Pass the CRC of the bytes before
 * `data` as `previous` to checksum a sequence of pieces without concatenating them.
 * @example crc32(new TextEncoder().encode("123456789")) === 0xcbf43926
 */
export function crc32(data: Uint8Array, previous = 0): number {
  return native ? native(data, previous) >>> 0 : tableCrc32(data, previous);
}

/** The table implementation, exported so a test can check it against the native one. */
export const crc32Portable = (data: Uint8Array, previous = 0): number => tableCrc32(data, previous);
