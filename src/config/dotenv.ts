// A `.env` reader with python-dotenv's everyday rules, which LiteLLM users'
// files are written for. Variables already in the environment win.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../errors/gateway-error.js';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*)$/;

/**
 * Reads `<dir>/.env` into `env`, setting only variables that are not defined
 * there yet. Returns the names it set; no file means nothing to do.
 */
export function loadDotEnv(dir: string, env: NodeJS.ProcessEnv): string[] {
  const file = path.join(dir, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GatewayError('config_not_found', `cannot read ${path.resolve(file)}: ${(err as Error).message}`, { details: { file: path.resolve(file) }, cause: err });
  }

  // Within the file the last assignment wins, as in python-dotenv.
  const values = new Map<string, string>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    const match = LINE.exec(line);
    if (match) values.set(match[1]!, parseValue(match[2]!));
  }

  const set: string[] = [];
  for (const [name, value] of values) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function parseValue(raw: string): string {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    // Find the closing quote (skipping escaped ones in double quotes); anything after it is a comment.
    let end = 1;
    while (end < raw.length && raw[end] !== quote) end += quote === '"' && raw[end] === '\\' ? 2 : 1;
    // An unclosed quote takes the rest of the line.
    const body = raw.slice(1, Math.min(end, raw.length));
    return quote === "'" ? body : body.replace(/\\(.)/g, (whole, char: string) => ESCAPES[char] ?? whole);
  }
  // Unquoted: ` #` starts a comment; `#` inside a value (`pa#ss`) does not.
  const comment = raw.search(/\s#/);
  return (comment === -1 ? raw : raw.slice(0, comment)).trim();
}
