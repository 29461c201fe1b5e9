import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeThriftStruct,
  encodeThriftStruct,
  type ThriftField,
  type ThriftStruct,
  ThriftType,
  type ThriftValue,
} from "./thrift-compact.js";

/** Arbitrary values of each wire type, nested up to a few levels. */
const { struct } = fc.letrec<{ struct: ThriftStruct; value: [number, ThriftValue] }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.boolean().map((b): [number, ThriftValue] => [b ? ThriftType.BOOL_TRUE : ThriftType.BOOL_FALSE, b]),
    fc.integer({ min: -128, max: 127 }).map((n): [number, ThriftValue] => [ThriftType.BYTE, n]),
    fc.integer({ min: -32768, max: 32767 }).map((n): [number, ThriftValue] => [ThriftType.I16, n]),
    fc.integer().map((n): [number, ThriftValue] => [ThriftType.I32, n]),
    fc
      .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      .map((n): [number, ThriftValue] => [ThriftType.I64, n]),
    fc.double({ noNaN: true }).map((n): [number, ThriftValue] => [ThriftType.DOUBLE, n]),
    fc.uint8Array({ maxLength: 40 }).map((b): [number, ThriftValue] => [ThriftType.BINARY, b]),
    fc
      .array(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), { maxLength: 20 })
      .map((items): [number, ThriftValue] => [
        ThriftType.LIST,
        { kind: "list", elementType: ThriftType.I64, items },
      ]),
    tie("struct").map((s): [number, ThriftValue] => [ThriftType.STRUCT, s]),
    fc
      .array(tie("struct"), { maxLength: 3 })
      .map((items): [number, ThriftValue] => [
        ThriftType.LIST,
        { kind: "list", elementType: ThriftType.STRUCT, items },
      ]),
  ),
  struct: fc
    .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 300 }), tie("value")), {
      selector: ([id]) => id,
      maxLength: 6,
    })
    .map(
      (entries): ThriftStruct => ({
        kind: "struct",
        fields: entries
          .sort(([a], [b]) => a - b)
          .map(([id, [type, value]]): ThriftField => ({ id, type, value })),
      }),
    ),
}));

describe("thrift compact codec", () => {
  it("decode(encode(x)) is x, and re-encoding gives the same bytes", () => {
    fc.assert(
      fc.property(struct, (value) => {
        const bytes = encodeThriftStruct(value);
        const decoded = decodeThriftStruct(bytes);
        expect(decoded.end).toBe(bytes.length);
        expect(decoded.value).toEqual(value);
        expect(encodeThriftStruct(decoded.value)).toEqual(bytes);
      }),
    );
  });

  it("matches bytes worked out by hand from the protocol spec", () => {
    // field 1 i32 = 5: header (delta 1, type 5) 0x15, zigzag(5) = 10 = 0x0a; field 2 bool true (delta 1, type 1): 0x11;
    // field 20 binary "hi": long form 0x08 then zigzag(20) = 40 = 0x28, length 2, bytes; stop 0x00.
    const bytes = new Uint8Array([0x15, 0x0a, 0x11, 0x08, 0x28, 0x02, 0x68, 0x69, 0x00]);
    const { value } = decodeThriftStruct(bytes);
    expect(value.fields).toEqual([
      { id: 1, type: ThriftType.I32, value: 5 },
      { id: 2, type: ThriftType.BOOL_TRUE, value: true },
      { id: 20, type: ThriftType.BINARY, value: new Uint8Array([0x68, 0x69]) },
    ]);
    expect(encodeThriftStruct(value)).toEqual(bytes);
  });

  it("rejects truncated and malformed input instead of reading past the end", () => {
    expect(() => decodeThriftStruct(new Uint8Array([0x15]))).toThrowError(/unexpected end/);
    expect(() => decodeThriftStruct(new Uint8Array([0x18, 0x7f, 0x01]))).toThrowError(/runs past the end/);
    expect(() => decodeThriftStruct(new Uint8Array([0x1d, 0x00]))).toThrowError(/unknown wire type 13/);
    expect(() => decodeThriftStruct(new Uint8Array([0x19, 0xf6, 0xff, 0xff, 0xff, 0x0f]))).toThrowError(
      /longer than the data/,
    );
  });
});
