export { type RenderReportOptions, renderReport, renderReportFragment } from "./render-report.js";
