export * from "./config/index.js";
export * from "./errors/index.js";
export { idTimestamp, isId, newId } from "./ids/id.js";
export { type Logger, silentLogger } from "./logger/logger.js";
export { type Clock, type ManualClock, manualClock, systemClock } from "./time/clock.js";
export { type Duration, parseDuration } from "./time/duration.js";
