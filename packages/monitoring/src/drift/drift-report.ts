import { renderReport, renderReportFragment } from "../report/render-report.js";
import type { DriftColumnKind } from "./column-data.js";
import type { DistributionSummary } from "./distribution-summary.js";
import type { DriftTestName } from "./drift-tests.js";

/** The drift verdict of one column. */
export interface ColumnDrift {
  column: string;
  /** Features decide the dataset verdict; prediction and target drift are reported beside it. */
  role: "feature" | "prediction" | "target";
  type: DriftColumnKind;
  test: DriftTestName;
  /** `"p_value"`: drifted when `pValue < threshold`; `"distance"`: when `statistic ≥ threshold`. */
  decision: "p_value" | "distance";
  statistic: number;
  pValue: number | null;
  /** The threshold applied (after the Bonferroni divisor for p-value tests). */
  threshold: number;
  drifted: boolean;
  /** How the statistic was computed; `profile:`/`profile-approx:` prefixes mark a profile reference. */
  method: string;
  referenceCount: number;
  referenceNulls: number;
  currentCount: number;
  currentNulls: number;
  /** Both distributions on common bins, for display. */
  distribution: DistributionSummary;
}

/** The data of a drift report (what {@link DriftReport.toJSON} returns). */
export interface DriftReportData {
  kind: "drift";
  title: string;
  /** Epoch milliseconds. */
  createdAt: number;
  referenceSource: "data" | "profile";
  referenceRows: number;
  currentRows: number;
  /** Feature columns. */
  columns: ColumnDrift[];
  prediction: ColumnDrift[];
  target?: ColumnDrift;
  columnCount: number;
  driftedColumns: number;
  /** Share of drifted feature columns. */
  driftShare: number;
  /** The share at which the dataset counts as drifted. */
  driftShareThreshold: number;
  datasetDrift: boolean;
  /** The Bonferroni divisor applied to p-value thresholds (1: none). */
  pValueDivisor: number;
}

/**
 * The result of `compare`: per-column verdicts and the dataset verdict. Renders as a self-contained
 * HTML page (`renderReport(report)`), in notebooks (`toHTML()`, `Symbol.for("Jupyter.display")`), and
 * serializes to JSON (`toJSON()`).
 */
export class DriftReport implements DriftReportData {
  readonly kind = "drift" as const;
  readonly title: string;
  readonly createdAt: number;
  readonly referenceSource: "data" | "profile";
  readonly referenceRows: number;
  readonly currentRows: number;
  readonly columns: ColumnDrift[];
  readonly prediction: ColumnDrift[];
  readonly target?: ColumnDrift;
  readonly columnCount: number;
  readonly driftedColumns: number;
  readonly driftShare: number;
  readonly driftShareThreshold: number;
  readonly datasetDrift: boolean;
  readonly pValueDivisor: number;

  constructor(data: DriftReportData) {
    this.title = data.title;
    this.createdAt = data.createdAt;
    this.referenceSource = data.referenceSource;
    this.referenceRows = data.referenceRows;
    this.currentRows = data.currentRows;
    this.columns = data.columns;
    this.prediction = data.prediction;
    if (data.target) this.target = data.target;
    this.columnCount = data.columnCount;
    this.driftedColumns = data.driftedColumns;
    this.driftShare = data.driftShare;
    this.driftShareThreshold = data.driftShareThreshold;
    this.datasetDrift = data.datasetDrift;
    this.pValueDivisor = data.pValueDivisor;
  }

  /** The drifted feature columns' names. */
  get driftedColumnNames(): string[] {
    return this.columns.filter((c) => c.drifted).map((c) => c.column);
  }

  /** Plain data (non-finite statistics become null in JSON). */
  toJSON(): DriftReportData {
    const { kind, title, createdAt, referenceSource, referenceRows, currentRows, columns, prediction } = this;
    return {
      kind,
      title,
      createdAt,
      referenceSource,
      referenceRows,
      currentRows,
      columns,
      prediction,
      ...(this.target ? { target: this.target } : {}),
      columnCount: this.columnCount,
      driftedColumns: this.driftedColumns,
      driftShare: this.driftShare,
      driftShareThreshold: this.driftShareThreshold,
      datasetDrift: this.datasetDrift,
      pValueDivisor: this.pValueDivisor,
    };
  }

  /** One line: the verdict and the drifted columns. */
  toString(): string {
    const names = this.driftedColumnNames;
    return `${this.title}: ${this.datasetDrift ? "drift detected" : "no dataset drift"} (${this.driftedColumns}/${this.columnCount} columns drifted${names.length ? `: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}` : ""})`;
  }

  /** The self-contained HTML page (same as `renderReport(report)`). */
  toPage(): string {
    return renderReport(this);
  }

  /** An HTML fragment for notebooks (tslab's `display.html`): escaped, at most 200 column rows. */
  toHTML(): string {
    return renderReportFragment(this, { maxColumns: 200 });
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML(), "text/plain": this.toString() };
  }
}
