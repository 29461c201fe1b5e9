/**
 * One metric point as it waits in the buffer and as it is written to `tracking_metrics`. The column
 * names are the table's, so a batch goes to `insertRows` as is, without a copy per point.
 */
export type MetricRow = {
  workspace_id: string;
  run_id: string;
  key: string;
  step: number;
  timestamp_ms: number;
  value: number;
};

/** The `insertRows` column plan for {@link MetricRow}. */
export const METRIC_ROW_COLUMNS = {
  workspace_id: "text",
  run_id: "text",
  key: "text",
  step: "int8",
  timestamp_ms: "int8",
  value: "float8",
} as const;
