import { BallastError } from "@ballast/core";

/**
 * The `FILTER_INVALID` error: the message quotes the line of the filter that holds the mistake with a
 * caret under its column, so a user can see where to fix it without counting characters.
 *
 * @param filter the whole filter text
 * @param position 0-based offset of the mistake in `filter`
 * @param problem what is wrong, e.g. `expected a value (a number or a quoted string), found "and"`
 * @param code `ORDER_BY_INVALID` when the text is an `orderBy` entry rather than a filter
 */
export function filterError(
  filter: string,
  position: number,
  problem: string,
  code: "FILTER_INVALID" | "ORDER_BY_INVALID" = "FILTER_INVALID",
): BallastError {
  const at = Math.max(0, Math.min(position, filter.length));
  const lineStart = filter.lastIndexOf("\n", at - 1) + 1;
  const lineEndIndex = filter.indexOf("\n", at);
  const lineEnd = lineEndIndex === -1 ? filter.length : lineEndIndex;
  const lineNumber = filter.slice(0, lineStart).split("\n").length;
  const column = at - lineStart + 1;
  // Tabs keep their width under the caret only if the padding reuses them.
  const padding = filter.slice(lineStart, at).replace(/[^\t]/g, " ");
  const where = filter.includes("\n") ? `line ${lineNumber}, column ${column}` : `column ${column}`;
  const what = code === "FILTER_INVALID" ? "run filter" : "orderBy entry";
  return new BallastError(
    code,
    `Invalid ${what} at ${where}: ${problem}.\n  ${filter.slice(lineStart, lineEnd)}\n  ${padding}^`,
    {
      hint:
        code === "ORDER_BY_INVALID"
          ? 'Write a field and an optional direction, such as "metrics.accuracy DESC" or "start_time ASC".'
          : 'Write comparisons such as params.lr < 0.01, metrics.accuracy.max >= 0.9, tags.team = "ml", joined with and/or; quote keys with odd characters in backticks (params.`learning-rate`).',
      details: { filter, position: at, line: lineNumber, column, problem },
    },
  );
}
