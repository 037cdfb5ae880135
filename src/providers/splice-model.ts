// Forwarding a 50 KB agent request costs more in JSON.stringify and UTF-8
// encoding than in anything else the gateway does. When nothing but `model`
// changes, the client's own bytes go upstream with just the top-level
// "model" value replaced. The body was already validated by JSON.parse, so
// this scanner only needs to find boundaries, not check syntax. JSON's
// structural characters are ASCII and never occur inside a UTF-8 multi-byte
// sequence, so scanning bytes is exact.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MODEL_KEY = Buffer.from('"model"');

/** The body with its top-level `"model"` string replaced, or undefined when it cannot be done simply. */
export function spliceModel(raw: Buffer, model: string): Buffer | undefined {
  let i = skipSpace(raw, 0);
  if (raw[i] !== 0x7b) return undefined; // {
  i++;
  for (;;) {
    i = skipSpace(raw, i);
    if (raw[i] !== QUOTE) return undefined;
    const keyStart = i;
    i = skipString(raw, i);
    const isModel = i - keyStart === MODEL_KEY.length && raw.compare(MODEL_KEY, 0, MODEL_KEY.length, keyStart, i) === 0;
    i = skipSpace(raw, i);
    if (raw[i] !== 0x3a) return undefined; // :
    i = skipSpace(raw, i + 1);
    const valueStart = i;
    i = skipValue(raw, i);
    if (isModel) {
      if (raw[valueStart] !== QUOTE) return undefined;
      return Buffer.concat([raw.subarray(0, valueStart), Buffer.from(JSON.stringify(model)), raw.subarray(i)]);
    }
    i = skipSpace(raw, i);
    if (raw[i] !== 0x2c) return undefined; // no ',' : the object ended without "model"
    i++;
  }
}

function skipSpace(raw: Buffer, i: number): number {
  while (i < raw.length && (raw[i] === 0x20 || raw[i] === 0x0a || raw[i] === 0x0d || raw[i] === 0x09)) i++;
  return i;
}

/** From an opening quote to just past its closing quote. */
function skipString(raw: Buffer, i: number): number {
  for (let end = raw.indexOf(QUOTE, i + 1); end !== -1; end = raw.indexOf(QUOTE, end + 1)) {
    let backslashes = 0;
    while (raw[end - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
  }
  return raw.length;
}

function skipValue(raw: Buffer, i: number): number {
  const first = raw[i];
  if (first === QUOTE) return skipString(raw, i);
  if (first !== 0x7b && first !== 0x5b) {
    while (i < raw.length && raw[i] !== 0x2c && raw[i] !== 0x7d && raw[i] !== 0x5d && raw[i] !== 0x20 && raw[i] !== 0x0a && raw[i] !== 0x0d && raw[i] !== 0x09) i++;
    return i;
  }
  let depth = 0;
  while (i < raw.length) {
    const byte = raw[i]!;
    if (byte === QUOTE) {
      i = skipString(raw, i);
      continue;
    }
    if (byte === 0x7b || byte === 0x5b) depth++;
    else if (byte === 0x7d || byte === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}
