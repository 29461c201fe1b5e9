// The distinct-count sketch lives in core (tracking uses it too); re-exported for monitoring users.
export { HyperLogLog, type HyperLogLogOptions, hashValue, type SketchValue } from "@ballast/core";
export { KllSketch, type KllSketchOptions } from "./kll-sketch.js";
export { SketchError, type SketchErrorCode } from "./sketch-error.js";
export { type FrequentItem, SpaceSaving, type SpaceSavingOptions } from "./space-saving.js";
