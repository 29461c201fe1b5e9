import type { QualityCheckResult, QualityStatus } from "./quality-check.js";

const RANK: Record<QualityStatus, number> = { pass: 0, warn: 1, error: 2, fail: 3 };

/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * The result of {@link runQualitySuite}: one result per check and an overall status, the worst of the
 * checks' (`fail` > `error` > `warn` > `pass`). A check that could not be evaluated (`error`) makes
 * `passed` false: an unevaluated check is not a passed one.
 */
export class QualityReport {
  readonly suite: string;
  readonly results: readonly QualityCheckResult[];
  /** Epoch milliseconds, by the suite's clock. */
  readonly evaluatedAt: number;
  /** "table" when the suite ran on rows, "profile" when on a profile. */
  readonly input: "table" | "profile";

  constructor(init: {
    suite: string;
    results: readonly QualityCheckResult[];
    evaluatedAt: number;
    input: "table" | "profile";
  }) {
    this.suite = init.suite;
    this.results = init.results;
    this.evaluatedAt = init.evaluatedAt;
    this.input = init.input;
  }

  /** The worst status among the checks (`pass` for an empty suite). */
  get status(): QualityStatus {
    let worst: QualityStatus = "pass";
    for (const result of this.results) if (RANK[result.status] > RANK[worst]) worst = result.status;
    return worst;
  }

  /** True when no check failed or errored (warnings allowed). */
  get passed(): boolean {
    return this.status === "pass" || this.status === "warn";
  }

  /** How many checks ended in each status. */
  get counts(): Record<QualityStatus, number> {
    const counts = { pass: 0, warn: 0, fail: 0, error: 0 };
    for (const result of this.results) counts[result.status]++;
    return counts;
  }

  toJSON(): {
    suite: string;
    status: QualityStatus;
    evaluatedAt: number;
    input: string;
    results: readonly QualityCheckResult[];
  } {
    return {
      suite: this.suite,
      status: this.status,
      evaluatedAt: this.evaluatedAt,
      input: this.input,
      results: this.results,
    };
  }

  toString(): string {
    const lines = this.results.map((r) => `  [${r.status}] ${r.name}: ${r.message}`);
    return `Quality suite "${this.suite}": ${this.status}\n${lines.join("\n")}`;
  }

  /** An escaped HTML table of the results (at most `maxRows`, default 200), for notebooks and reports. */
  toHTML(maxRows = 200): string {
    const counts = this.counts;
    const shown = this.results.slice(0, maxRows);
    const rows = shown
      .map(
        (r) =>
          `<tr data-status="${r.status}"><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.kind)}</td><td>${escapeHtml(r.column ?? "")}</td><td>${escapeHtml(r.severity)}</td><td>${escapeHtml(r.method)}</td><td>${escapeHtml(r.message)}</td></tr>`,
      )
      .join("");
    const more =
      this.results.length > shown.length
        ? `<p>${this.results.length - shown.length} more checks not shown.</p>`
        : "";
    return (
      `<div class="ballast-quality-report"><h3>Quality suite ${escapeHtml(this.suite)}: ${escapeHtml(this.status)}</h3>` +
      `<p>${counts.pass} passed, ${counts.warn} warned, ${counts.fail} failed, ${counts.error} not evaluated (on a ${this.input}).</p>` +
      `<table><thead><tr><th>status</th><th>check</th><th>kind</th><th>column</th><th>severity</th><th>method</th><th>details</th></tr></thead>` +
      `<tbody>${rows}</tbody></table>${more}</div>`
    );
  }

  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.toHTML(), "text/plain": this.toString() };
  }
}
