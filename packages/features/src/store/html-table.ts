/** Options of {@link htmlTable}. */
export interface HtmlTableOptions {
  caption?: string;
  /** At most this many rows are rendered (default 50); a note says how many were left out. */
  maxRows?: number;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return `${value}`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (Array.isArray(value)) return `[${value.map(cellText).join(", ")}]`;
  if (typeof value === "object")
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}` : v));
  return String(value);
}

/**
 * A small, escaped, row-limited HTML table: what notebook display methods of result objects
 * return (`toHTML()`, `[Symbol.for("Jupyter.display")]()`).
 *
 * @example htmlTable(["feature", "mismatches"], [["conv_rate", 0]])
 */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: HtmlTableOptions = {},
): string {
  const maxRows = options.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = shown
    .map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(cellText(v))}</td>`).join("")}</tr>`)
    .join("");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  const more = rows.length > maxRows ? `<p>… ${rows.length - maxRows} more rows not shown</p>` : "";
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}
