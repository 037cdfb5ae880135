// The offending line of a config file with a caret under the column, for
// config_invalid_yaml. The line may hold an inline api_key or master_key, so
// anything that looks like a secret is masked before it is shown, and the caret
// is moved to stay under the same token.

import { maskSecret } from '../errors/mask.js';

/** `api_key:`, `master_key:`, `redis_password:`, `access_token:`: the value after it is a secret. */
const SECRET_KEY = /[\w.-]*(?:key|password|passwd|secret|token)["']?[ \t]*:[ \t]*/gi;
/** Provider key shapes anywhere on the line, quoted or not. */
const SECRET_SHAPE = /\b(?:gsk_|sk-|xai-|pplx-)[A-Za-z0-9_-]{6,}/g;

interface Span {
  start: number;
  end: number;
  replacement: string;
}

/** Secret spans of `line` (0-based, end exclusive) with their masked replacement. */
function secretSpans(line: string): Span[] {
  const spans: Span[] = [];
  const add = (start: number, text: string): void => {
    const end = start + text.length;
    if (!spans.some((span) => start < span.end && end > span.start)) spans.push({ start, end, replacement: maskSecret(text) });
  };
  for (const match of line.matchAll(SECRET_KEY)) {
    const value = valueAt(line, match.index + match[0].length);
    // `os.environ/NAME` names a variable, not a secret: showing it is the point.
    if (value === undefined || value.text.startsWith('os.environ/')) continue;
    add(value.start, value.text);
  }
  for (const match of line.matchAll(SECRET_SHAPE)) add(match.index, match[0]);
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The scalar starting at `from`: inside quotes up to the closing quote (or the
 * end of the line: an unclosed quote is a classic YAML error, and its secret
 * must not leak), otherwise up to a comma, brace, comment or the line's end.
 */
function valueAt(line: string, from: number): { start: number; text: string } | undefined {
  const quote = line[from];
  // A nested mapping or list is not one secret; its own keys are checked on their own.
  if (quote === undefined || quote === '{' || quote === '[') return undefined;
  if (quote === '"' || quote === "'") {
    const close = line.indexOf(quote, from + 1);
    const text = line.slice(from + 1, close < 0 ? line.length : close);
    return text.length === 0 ? undefined : { start: from + 1, text };
  }
  const rest = line.slice(from);
  const end = /\s+#|[,}\]]/.exec(rest)?.index ?? rest.length;
  const text = rest.slice(0, end).trimEnd();
  return text.length === 0 ? undefined : { start: from, text };
}

/** `line` with its secrets masked, and where `column` (1-based) ends up in it. */
export function maskLine(line: string, column: number): { text: string; column: number } {
  let text = '';
  let cursor = 0;
  let caret = column;
  for (const span of secretSpans(line)) {
    text += line.slice(cursor, span.start) + span.replacement;
    const index = column - 1;
    if (index >= span.end) caret += span.replacement.length - (span.end - span.start);
    else if (index >= span.start) caret = text.length - span.replacement.length + 1;
    cursor = span.end;
  }
  return { text: text + line.slice(cursor), column: caret };
}

/** Lines shown above the offending one: errors at the end of a file point past the text that caused them. */
const CONTEXT_LINES = 2;

/**
 * The offending line with a caret under the column, after up to two lines of
 * context, every line masked:
 *      3 |     litellm_params: {model: mock/x, api_key: "gsk_…3456", rpm: [1
 *      4 |
 *        | ^
 * Empty when the line is not in `source`.
 */
export function caretExcerpt(source: string, line: number, column: number): string {
  // A tab becomes a visible one-column arrow: YAML forbids tabs in indentation, so seeing them matters.
  const lines = source.split(/\r\n|\n|\r/).map((text) => text.replace(/\t/g, '→'));
  if (line < 1 || line > lines.length) return '';
  const first = Math.max(1, line - CONTEXT_LINES);
  const gutter = String(line).length;
  const out: string[] = [];
  for (let n = first; n < line; n++) out.push(`${String(n).padStart(gutter)} | ${maskLine(lines[n - 1]!, 1).text}`.trimEnd());
  const masked = maskLine(lines[line - 1]!, column);
  // A caret past the end (an unclosed bracket at the end of a line) sits right after the text.
  const caretAt = Math.max(1, Math.min(masked.column, masked.text.length + 1));
  out.push(`${String(line).padStart(gutter)} | ${masked.text}`.trimEnd(), `${' '.repeat(gutter)} | ${' '.repeat(caretAt - 1)}^`);
  return out.join('\n');
}
