import type { DistributionSummary } from "../drift/distribution-summary.js";
import { escapeHtml } from "./escape-html.js";

const WIDTH = 420;
const HEIGHT = 150;
const PAD = { left: 36, right: 8, top: 8, bottom: 30 };

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

/**
 * An inline SVG of the reference and current distributions overlaid: one pair of bars per bin or
 * category (reference behind, current in front, both semi-transparent), shares on the y axis.
 */
export function distributionSvg(summary: DistributionSummary, title: string): string {
  const n = summary.reference.length;
  const max = Math.max(1e-12, ...summary.reference, ...summary.current);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / Math.max(n, 1);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars: string[] = [];
  const labels =
    summary.kind === "numerical"
      ? summary.reference.map(
          (_, i) => `${formatNumber(summary.edges[i]!)} – ${formatNumber(summary.edges[i + 1]!)}`,
        )
      : summary.categories;
  for (let i = 0; i < n; i++) {
    const x = PAD.left + i * step;
    const w = Math.max(1, summary.kind === "numerical" ? step - 1 : step * 0.8);
    const ref = summary.reference[i]!;
    const cur = summary.current[i]!;
    const tip = escapeHtml(
      `${labels[i]}: reference ${(ref * 100).toFixed(1)}%, current ${(cur * 100).toFixed(1)}%`,
    );
    bars.push(
      `<g><title>${tip}</title><rect class="ref" x="${x.toFixed(1)}" y="${y(ref).toFixed(1)}" width="${w.toFixed(1)}" height="${(PAD.top + plotH - y(ref)).toFixed(1)}"/>` +
        `<rect class="cur" x="${x.toFixed(1)}" y="${y(cur).toFixed(1)}" width="${w.toFixed(1)}" height="${(PAD.top + plotH - y(cur)).toFixed(1)}"/></g>`,
    );
  }
  const axis =
    summary.kind === "numerical"
      ? `<text x="${PAD.left}" y="${HEIGHT - 12}" class="tick">${escapeHtml(formatNumber(summary.edges[0]!))}</text>` +
        `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 12}" class="tick" text-anchor="end">${escapeHtml(formatNumber(summary.edges[summary.edges.length - 1]!))}</text>`
      : summary.categories
          .slice(0, 8)
          .map(
            (c, i) =>
              `<text x="${(PAD.left + i * step + step * 0.4).toFixed(1)}" y="${HEIGHT - 12}" class="tick" text-anchor="middle">${escapeHtml(c.length > 10 ? `${c.slice(0, 9)}…` : c)}</text>`,
          )
          .join("");
  return (
    `<svg class="dist" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">` +
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" class="axis"/>` +
    `<text x="${PAD.left - 4}" y="${PAD.top + 8}" class="tick" text-anchor="end">${(max * 100).toFixed(0)}%</text>` +
    `<text x="${PAD.left - 4}" y="${PAD.top + plotH}" class="tick" text-anchor="end">0</text>` +
    bars.join("") +
    axis +
    "</svg>"
  );
}
