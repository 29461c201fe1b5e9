export { hashValue, type SketchValue } from "./hash64.js";
export { HyperLogLog, type HyperLogLogOptions } from "./hyperloglog.js";
export { KllSketch, type KllSketchOptions } from "./kll-sketch.js";
export { SketchError, type SketchErrorCode } from "./sketch-error.js";
export { type FrequentItem, SpaceSaving, type SpaceSavingOptions } from "./space-saving.js";
