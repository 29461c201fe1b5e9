export {
  decodePredictionLogRecord,
  encodePredictionLogRecord,
  PREDICTION_LOG_CONTENT_TYPE,
} from "./prediction-log-codec.js";
export { PredictionLogInvalidError } from "./prediction-log-error.js";
export {
  type PredictionLogRecord,
  type PredictionLogRecordInput,
  type PredictionLogValue,
  predictionLogRecordSchema,
  predictionLogValueSchema,
} from "./prediction-log-record.js";
