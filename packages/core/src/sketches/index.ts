export {
  hashBigInt,
  hashBoolean,
  hashNumber,
  hashString,
  hashValue,
  type SketchValue,
} from "./hash64.js";
export { HyperLogLog, type HyperLogLogOptions } from "./hyperloglog.js";
