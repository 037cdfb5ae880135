// V8's JSON.parse messages do not always carry an offset ("Unexpected token '}'"),
// so on the cold path of a failed parse we re-scan the text to say exactly where
// it breaks. Never called for valid bodies.

export interface JsonSyntaxLocation {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

const MAX_DEPTH = 512;

export function locateJsonError(text: string): JsonSyntaxLocation {
  let i = 0;
  const fail = (reason: string): never => {
    throw Object.assign(new Error(reason), { offset: i });
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a JSON value`);
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) { i++; return; }
      if (ch === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail('invalid escape in string');
        continue;
      }
      if (ch < 0x20) fail('unescaped control character (e.g. a raw newline) in string');
      i++;
    }
    fail('unterminated string');
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '-' || match[0] === '') fail('invalid number');
    i += match![0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    ws();
    const ch = text[i];
    if (ch === undefined) return fail('unexpected end of input; the body is empty or cut off');
    if (ch === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma before }' : 'expected a property name in double quotes');
        string(); ws();
        if (text[i] !== ':') fail("expected ':' after property name");
        i++;
        value(depth + 1); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail(text[i] === undefined ? "unexpected end of input; missing '}'" : "expected ',' or '}' after property value");
      }
    }
    if (ch === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1); ws();
        if (text[i] === ',') { i++; ws(); if (text[i] === ']') fail('trailing comma before ]'); continue; }
        if (text[i] === ']') { i++; return; }
        fail(text[i] === undefined ? "unexpected end of input; missing ']'" : "expected ',' or ']' after array element");
      }
    }
    if (ch === '"') return string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === "'") fail('strings must use double quotes, not single quotes');
    fail(`expected a JSON value, found ${JSON.stringify(ch)}`);
  };

  let reason = 'invalid JSON';
  try {
    value(0);
    ws();
    if (i < text.length) fail('unexpected data after the JSON value');
  } catch (err) {
    reason = (err as Error).message;
  }
  return { offset: i, reason, ...lineAndColumn(text, i) };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) { line++; lineStart = k + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}
