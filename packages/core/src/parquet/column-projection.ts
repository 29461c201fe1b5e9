import { type Schema, Table, tableToIPC } from "apache-arrow";
import {
  chunkTopLevelName,
  FileMetaDataField,
  rowGroupColumns,
  withRowGroupColumns,
} from "./parquet-footer.js";
import {
  type ThriftList,
  type ThriftStruct,
  ThriftType,
  type ThriftValue,
  thriftField,
  withThriftField,
} from "./thrift-compact.js";

/** `SchemaElement.num_children` in parquet.thrift. */
const SCHEMA_NUM_CHILDREN = 5;
/** `FileMetaData.column_orders` in parquet.thrift. */
const COLUMN_ORDERS = 7;
/** Key under which Arrow writers embed the Arrow schema in the footer's key-value metadata. */
const ARROW_SCHEMA_KEY = "ARROW:schema";
/** Bytes of the end-of-stream marker that closes an Arrow IPC stream. */
const IPC_END_OF_STREAM_BYTES = 8;

/**
 * Narrows a one-row-group footer to some top-level columns: their schema subtrees, their column
 * chunks, and an embedded Arrow schema of just those columns.
 *
 * The codec (parquet-wasm 0.8) reads every column chunk of a row group even when asked for a few,
 * so a projection that fetched only the wanted chunks must also hide the others from it.
 * `projected` is the file's Arrow schema restricted to the kept columns, in file order; the codec
 * takes types such as time zones from it, so it is replaced rather than dropped.
 */
export function projectFooter(
  fileMetaData: ThriftStruct,
  keep: ReadonlySet<string>,
  projected: Schema,
): ThriftStruct {
  // readParquetFooter checked that the schema list exists.
  const elements = (thriftField(fileMetaData, FileMetaDataField.schema)!.value as ThriftList)
    .items as ThriftStruct[];
  const root = elements[0]!;
  const rootChildren = numChildren(root);
  const kept: ThriftStruct[] = [];
  let index = 1;
  let keptTopLevel = 0;
  for (let child = 0; child < rootChildren; child++) {
    const size = subtreeSize(elements, index);
    const element = elements[index]!;
    const name = new TextDecoder().decode(thriftField(element, 4)?.value as Uint8Array);
    if (keep.has(name)) {
      kept.push(...elements.slice(index, index + size));
      keptTopLevel++;
    }
    index += size;
  }
  const newRoot = withThriftField(root, SCHEMA_NUM_CHILDREN, { type: ThriftType.I32, value: keptTopLevel });
  let out = withThriftField(fileMetaData, FileMetaDataField.schema, {
    type: ThriftType.LIST,
    value: { kind: "list", elementType: ThriftType.STRUCT, items: [newRoot, ...kept] },
  });
  const groupsField = thriftField(out, FileMetaDataField.rowGroups)?.value as ThriftList;
  // column_orders has one entry per leaf column, in the order of a row group's chunks.
  const firstGroup = groupsField.items[0] as ThriftStruct | undefined;
  const leafKept = firstGroup
    ? rowGroupColumns(firstGroup).map((chunk) => keep.has(chunkTopLevelName(chunk)))
    : [];
  const orders = thriftField(out, COLUMN_ORDERS);
  if (orders) {
    const list = orders.value as ThriftList;
    out = withThriftField(out, COLUMN_ORDERS, {
      type: orders.type,
      value: { ...list, items: list.items.filter((_, i) => leafKept[i] ?? false) },
    });
  }
  const groups = (groupsField.items as ThriftStruct[]).map((group) =>
    withRowGroupColumns(
      group,
      rowGroupColumns(group).filter((chunk) => keep.has(chunkTopLevelName(chunk))),
      0,
    ),
  );
  out = withThriftField(out, FileMetaDataField.rowGroups, {
    type: ThriftType.LIST,
    value: { kind: "list", elementType: ThriftType.STRUCT, items: groups },
  });
  return replaceArrowSchema(out, projected);
}

function numChildren(element: ThriftStruct): number {
  const value = thriftField(element, SCHEMA_NUM_CHILDREN)?.value;
  return typeof value === "number" ? value : 0;
}

/** Elements in the depth-first subtree starting at `start` (the element itself included). */
function subtreeSize(elements: readonly ThriftStruct[], start: number): number {
  let size = 1;
  let pending = numChildren(elements[start]!);
  while (pending > 0) {
    const element = elements[start + size];
    if (!element) break;
    pending += numChildren(element) - 1;
    size++;
  }
  return size;
}

function replaceArrowSchema(fileMetaData: ThriftStruct, schema: Schema): ThriftStruct {
  const field = thriftField(fileMetaData, FileMetaDataField.keyValueMetadata);
  if (!field) return fileMetaData;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const items = (field.value as ThriftList).items.map((pair): ThriftValue => {
    const struct = pair as ThriftStruct;
    const key = thriftField(struct, 1)?.value;
    if (!(key instanceof Uint8Array) || decoder.decode(key) !== ARROW_SCHEMA_KEY) return pair;
    return withThriftField(struct, 2, {
      type: ThriftType.BINARY,
      value: encoder.encode(encodeArrowSchema(schema)),
    });
  });
  return withThriftField(fileMetaData, FileMetaDataField.keyValueMetadata, {
    type: ThriftType.LIST,
    value: { kind: "list", elementType: ThriftType.STRUCT, items },
  });
}

/** The `ARROW:schema` value: base64 of the IPC schema message (an IPC stream without its end marker). */
function encodeArrowSchema(schema: Schema): string {
  const stream = tableToIPC(new Table(schema), "stream");
  const message = stream.subarray(0, stream.length - IPC_END_OF_STREAM_BYTES);
  let binary = "";
  // btoa, unlike Buffer, exists in every runtime we support; chunks keep the argument list short.
  for (let i = 0; i < message.length; i += 0x8000) {
    binary += String.fromCharCode(...message.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
