// V8's JSON.parse is iterative: 100,000 nested arrays parse in ~30 ms without
// a stack overflow. Everything after it is not: JSON.stringify, structuredClone
// and any recursive walk of the value throw RangeError near 10,000 levels. So
// the depth is checked on the bytes, before parsing, and a body nested deeper
// than any chat request needs is refused up front.

export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether brackets outside strings nest deeper than `max`. Strings are
 * skipped with indexOf (memchr), so a body that is mostly message text costs
 * little more than a copy. Invalid JSON is not judged here: JSON.parse does that.
 */
export function exceedsJsonDepth(raw: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      i = closingQuote(raw, i);
      if (i === -1) return false;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that ends the string opened at `open`, or -1 when it never ends. */
function closingQuote(raw: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = raw.indexOf(QUOTE, at + 1);
    if (at === -1) return -1;
    // A quote after an odd number of backslashes is escaped.
    let backslashes = 0;
    for (let k = at - 1; raw[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
