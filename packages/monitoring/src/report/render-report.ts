import type { ColumnDrift, DriftReportData } from "../drift/drift-report.js";
import { distributionSvg } from "./distribution-svg.js";
import { escapeHtml } from "./escape-html.js";

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /** Page title (default: the report's title). */
  title?: string;
  /** Show at most this many columns (default: all). */
  maxColumns?: number;
}

const STYLE = `
.ballast-report{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;max-width:1100px;margin:0 auto;padding:16px}
.ballast-report h1{font-size:22px;margin:0 0 4px}
.ballast-report .meta{color:#5b6475;margin:0 0 16px}
.ballast-report .summary{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 20px}
.ballast-report .card{border:1px solid #d8dce5;border-radius:8px;padding:10px 14px;min-width:140px}
.ballast-report .card b{display:block;font-size:20px}
.ballast-report .verdict-drift{background:#fdecec;border-color:#e5a3a3}
.ballast-report .verdict-ok{background:#eaf7ee;border-color:#9fd3ae}
.ballast-report table{border-collapse:collapse;width:100%;margin:0 0 24px}
.ballast-report th,.ballast-report td{border-bottom:1px solid #e4e7ee;padding:6px 8px;text-align:left;vertical-align:top}
.ballast-report th{background:#f5f6f9;font-weight:600}
.ballast-report td.num{text-align:right;font-variant-numeric:tabular-nums}
.ballast-report .tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600}
.ballast-report .tag.drift{background:#d64545;color:#fff}
.ballast-report .tag.ok{background:#2f8f4e;color:#fff}
.ballast-report .columns{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:12px}
.ballast-report .column{border:1px solid #d8dce5;border-radius:8px;padding:8px 10px}
.ballast-report .column h3{font-size:15px;margin:0 0 4px}
.ballast-report .column p{margin:0 0 6px;color:#5b6475;font-size:12px}
.ballast-report svg.dist rect.ref{fill:#3b6fd6;fill-opacity:.45}
.ballast-report svg.dist rect.cur{fill:#e8833a;fill-opacity:.55}
.ballast-report svg.dist .axis{stroke:#9aa3b5}
.ballast-report svg.dist .tick{font-size:10px;fill:#5b6475}
.ballast-report .legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
.ballast-report .legend .ref{background:#3b6fd6;opacity:.6}
.ballast-report .legend .cur{background:#e8833a;opacity:.7}
.ballast-report .hidden{display:none}
.ballast-report label.filter{display:inline-block;margin:0 0 10px;user-select:none}
`;

// Filters the table and the charts to the drifted columns; no network access, no external code.
const SCRIPT = `
(function(){
  var box=document.getElementById("only-drifted");
  if(!box)return;
  box.addEventListener("change",function(){
    var rows=document.querySelectorAll("[data-drifted]");
    for(var i=0;i<rows.length;i++){
      var hide=box.checked&&rows[i].getAttribute("data-drifted")!=="true";
      rows[i].classList.toggle("hidden",hide);
    }
  });
})();
`;

function fmt(x: number | null, digits = 4): string {
  if (x === null) return "—";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : x < 0 ? "−∞" : "NaN";
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(2);
  return x.toFixed(digits);
}

function verdictTag(drifted: boolean): string {
  return drifted ? '<span class="tag drift">drift</span>' : '<span class="tag ok">ok</span>';
}

function columnRow(c: ColumnDrift): string {
  const rule = c.decision === "p_value" ? `p &lt; ${fmt(c.threshold)}` : `≥ ${fmt(c.threshold)}`;
  return (
    `<tr data-drifted="${c.drifted}"><td>${escapeHtml(c.column)}</td><td>${c.role}</td><td>${c.type}</td>` +
    `<td>${escapeHtml(c.test)}</td><td class="num">${fmt(c.statistic)}</td><td class="num">${fmt(c.pValue)}</td>` +
    `<td class="num">${rule}</td><td>${verdictTag(c.drifted)}</td>` +
    `<td class="num">${c.referenceNulls + c.currentNulls === 0 ? "0" : `${c.referenceNulls} / ${c.currentNulls}`}</td></tr>`
  );
}

function columnChart(c: ColumnDrift): string {
  return (
    `<div class="column" data-drifted="${c.drifted}"><h3>${escapeHtml(c.column)} ${verdictTag(c.drifted)}</h3>` +
    `<p>${escapeHtml(c.test)} = ${fmt(c.statistic)}${c.pValue === null ? "" : `, p = ${fmt(c.pValue)}`} · reference n = ${c.referenceCount}, current n = ${c.currentCount} · ${escapeHtml(c.method)}</p>` +
    distributionSvg(c.distribution, `${c.column}: reference and current distributions`) +
    "</div>"
  );
}

function body(report: DriftReportData, options: RenderReportOptions, interactive: boolean): string {
  const all = [...report.columns, ...report.prediction, ...(report.target ? [report.target] : [])];
  const shown = options.maxColumns === undefined ? all : all.slice(0, options.maxColumns);
  const omitted = all.length - shown.length;
  const title = options.title ?? report.title;
  const cards = [
    `<div class="card ${report.datasetDrift ? "verdict-drift" : "verdict-ok"}">Dataset<b>${report.datasetDrift ? "Drift detected" : "No drift"}</b></div>`,
    `<div class="card">Drifted columns<b>${report.driftedColumns} / ${report.columnCount}</b></div>`,
    `<div class="card">Drift share<b>${(report.driftShare * 100).toFixed(1)}%</b>threshold ${(report.driftShareThreshold * 100).toFixed(0)}%</div>`,
    `<div class="card">Rows<b>${report.referenceRows.toLocaleString("en-US")} → ${report.currentRows.toLocaleString("en-US")}</b>reference (${report.referenceSource}) → current</div>`,
  ];
  if (report.prediction.length) {
    const drifted = report.prediction.filter((c) => c.drifted).length;
    cards.push(`<div class="card">Prediction drift<b>${drifted} / ${report.prediction.length}</b></div>`);
  }
  if (report.target)
    cards.push(`<div class="card">Target drift<b>${report.target.drifted ? "yes" : "no"}</b></div>`);
  return (
    `<div class="ballast-report"><h1>${escapeHtml(title)}</h1>` +
    `<p class="meta">Created ${escapeHtml(new Date(report.createdAt).toISOString())}${report.pValueDivisor > 1 ? ` · p-value thresholds divided by ${report.pValueDivisor} (Bonferroni)` : ""}</p>` +
    `<div class="summary">${cards.join("")}</div>` +
    (interactive
      ? '<label class="filter"><input type="checkbox" id="only-drifted"> Show drifted columns only</label>'
      : "") +
    "<table><thead><tr><th>Column</th><th>Role</th><th>Type</th><th>Test</th><th>Statistic</th><th>p-value</th><th>Drift when</th><th>Verdict</th><th>Missing (ref / cur)</th></tr></thead><tbody>" +
    shown.map(columnRow).join("") +
    "</tbody></table>" +
    (omitted > 0 ? `<p class="meta">${omitted} more columns not shown.</p>` : "") +
    '<p class="legend">Distributions:<span class="ref"></span>reference<span class="cur"></span>current</p>' +
    `<div class="columns">${shown.map(columnChart).join("")}</div></div>`
  );
}

/**
 * Renders a drift report as one self-contained HTML page: inline styles and script, inline SVG
 * charts, no external resources, and a Content-Security-Policy that forbids the page to load
 * anything. Every value from the data is escaped.
 *
 * @example
 * await writeFile("drift.html", renderReport(compare(reference, current)));
 */
export function renderReport(report: DriftReportData, options: RenderReportOptions = {}): string {
  const title = options.title ?? report.title;
  return (
    "<!DOCTYPE html>\n" +
    '<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}body{margin:0;background:#fff}</style></head><body>` +
    body(report, options, true) +
    `<script>${SCRIPT}</script></body></html>\n`
  );
}

/** The report as an HTML fragment (scoped styles, no script) for notebook output. */
export function renderReportFragment(report: DriftReportData, options: RenderReportOptions = {}): string {
  return `<style>${STYLE}</style>${body(report, options, false)}`;
}
