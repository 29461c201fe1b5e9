import { FeatureError } from "./feature-error.js";

/**
 * A pushed row does not match the schema of the views fed by the push source. Code
 * `FEATURE_PUSH_ROW_INVALID`, with the row's index in the batch and the reason. The whole batch was
 * rejected: nothing of it was written.
 */
export class FeaturePushRowInvalidError extends FeatureError {
  readonly rowIndex: number;
  readonly reason: string;

  constructor(source: string, rowIndex: number, reason: string) {
    super(
      "FEATURE_PUSH_ROW_INVALID",
      `Row ${rowIndex} pushed to source "${source}" is invalid: ${reason}. Nothing of the batch was written.`,
      {
        hint: "Fix that row (types follow the views' schemas: int64 as bigint, timestamps as Date or epoch ms) and push the batch again.",
        details: { source, rowIndex, reason },
      },
    );
    this.name = "FeaturePushRowInvalidError";
    this.rowIndex = rowIndex;
    this.reason = reason;
  }
}
