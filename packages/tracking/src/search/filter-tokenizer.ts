import { filterError } from "./filter-error.js";

/** One lexical unit of a filter, with the offset where it starts (for error carets). */
export type FilterToken =
  | { kind: "word"; text: string; start: number }
  | { kind: "quoted-key"; text: string; start: number }
  | { kind: "string"; text: string; start: number }
  | { kind: "number"; value: number; start: number }
  | { kind: "operator"; text: "=" | "!=" | "<" | "<=" | ">" | ">="; start: number }
  | { kind: "punct"; text: "(" | ")" | "," | "."; start: number }
  | { kind: "end"; start: number };

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "0": "\0" };

/** Reads a quoted run starting at `start` (the opening quote); returns its text and the end offset. */
function readQuoted(filter: string, start: number, quote: string): { text: string; end: number } {
  let text = "";
  let i = start + 1;
  while (i < filter.length) {
    const ch = filter[i]!;
    if (ch === quote) return { text, end: i + 1 };
    if (ch === "\\") {
      const next = filter[i + 1];
      if (next === undefined) break;
      if (next === "u") {
        const hex = filter.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw filterError(filter, i, "expected four hex digits after \\u");
        text += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
        continue;
      }
      // Any other escaped character stands for itself (\" \' \` \\), except the usual control escapes.
      text += ESCAPES[next] ?? next;
      i += 2;
      continue;
    }
    text += ch;
    i++;
  }
  throw filterError(
    filter,
    start,
    `this ${quote === "`" ? "key" : "string"} is never closed: expected a closing ${quote}`,
  );
}

/**
 * Splits a filter into tokens. Keywords are not told apart from words here (`and` is a word): the
 * parser decides by position, so a key named `and` still works when quoted.
 *
 * @throws BallastError `FILTER_INVALID` for a character that cannot start a token or an unclosed quote.
 */
export function tokenizeFilter(filter: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '"' || ch === "'" || ch === "`") {
      const { text, end } = readQuoted(filter, start, ch);
      tokens.push(ch === "`" ? { kind: "quoted-key", text, start } : { kind: "string", text, start });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(filter);
    // A dot followed by a digit after a word is a key separator (params.1), not the number .1.
    const previous = tokens[tokens.length - 1];
    const afterField =
      ch === "." && previous !== undefined && previous.kind !== "operator" && previous.kind !== "punct";
    if (number && !afterField) {
      WORD.lastIndex = NUMBER.lastIndex;
      if (WORD.test(filter))
        throw filterError(
          filter,
          start,
          `"${filter.slice(start, WORD.lastIndex)}" is not a number; quote it to use it as a string`,
        );
      tokens.push({ kind: "number", value: Number(number[0]), start });
      i = NUMBER.lastIndex;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(filter);
    if (word) {
      tokens.push({ kind: "word", text: word[0], start });
      i = WORD.lastIndex;
      continue;
    }
    const two = filter.slice(i, i + 2);
    if (two === "<=" || two === ">=" || two === "!=" || two === "==" || two === "<>") {
      tokens.push({ kind: "operator", text: two === "==" ? "=" : two === "<>" ? "!=" : two, start });
      i += 2;
      continue;
    }
    if (ch === "=" || ch === "<" || ch === ">") {
      tokens.push({ kind: "operator", text: ch, start });
      i++;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === "," || ch === ".") {
      tokens.push({ kind: "punct", text: ch, start });
      i++;
      continue;
    }
    throw filterError(filter, start, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: "end", start: filter.length });
  return tokens;
}
