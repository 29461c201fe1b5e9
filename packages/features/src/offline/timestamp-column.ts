import { type Data, DataType, type Field, type Timestamp, TimeUnit, Vector } from "apache-arrow";
import { FeatureNaiveTimestampError, FeatureSchemaMismatchError } from "./offline-errors.js";

/** Multiplier from a timestamp's unit to milliseconds. */
const TO_MILLIS: Record<TimeUnit, number> = {
  [TimeUnit.SECOND]: 1000,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1 / 1000,
  [TimeUnit.NANOSECOND]: 1 / 1_000_000,
};
const TWO_32 = 4294967296;

/**
 * Checks that `field` is a timestamp that names instants (it has a time zone). Any unit is
 * accepted: instants convert to epoch milliseconds exactly or by flooring sub-millisecond parts.
 *
 * @throws FeatureNaiveTimestampError when it has no time zone; FeatureSchemaMismatchError when it is
 * not a timestamp at all.
 */
export function checkInstantColumn(field: Field | undefined, file: string, column: string): Timestamp {
  if (!field) {
    throw new FeatureSchemaMismatchError({ file, column, declared: "timestamp", found: "no such column" });
  }
  const type = field.type;
  if (!DataType.isTimestamp(type)) {
    throw new FeatureSchemaMismatchError({ file, column, declared: "timestamp", found: String(type) });
  }
  if (type.timezone === null || type.timezone === undefined || type.timezone === "") {
    throw new FeatureNaiveTimestampError({ file, column, found: `timestamp[${TimeUnit[type.unit]}]` });
  }
  return type;
}

/**
 * Epoch milliseconds of one chunk of a timestamp column, written to `out` from `at`; nulls become
 * NaN. Reads the 64-bit values as two 32-bit words, which is exact below 2^53 ms and avoids a
 * bigint per row.
 */
export function readMillis(data: Data, out: Float64Array, at = 0): void {
  const type = data.type as Timestamp;
  const scale = TO_MILLIS[type.unit];
  const values = data.values as unknown;
  const length = data.length;
  if (values instanceof BigInt64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, length * 2);
    for (let i = 0; i < length; i++) {
      out[at + i] = words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
    }
  } else {
    const vector = new Vector([data]);
    for (let i = 0; i < length; i++) out[at + i] = Number(vector.get(i));
  }
  if (scale !== 1) for (let i = 0; i < length; i++) out[at + i] = Math.floor(out[at + i]! * scale);
  if (data.nullCount > 0) {
    const bitmap = data.nullBitmap;
    const offset = data.offset;
    if (bitmap) {
      for (let i = 0; i < length; i++) {
        const bit = offset + i;
        if ((bitmap[bit >> 3]! & (1 << (bit & 7))) === 0) out[at + i] = Number.NaN;
      }
    }
  }
}

/** True when `type` is exactly the at-rest timestamp type, `timestamp[ms, UTC]`. */
export function isUtcMillis(type: DataType): boolean {
  return DataType.isTimestamp(type) && type.unit === TimeUnit.MILLISECOND && type.timezone === "UTC";
}
