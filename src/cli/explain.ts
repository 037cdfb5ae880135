// `switchyard explain <code|status|alias>`: the catalog entry for whatever name
// the user has in front of them (an error code from a response body, an HTTP
// status, LiteLLM's or Windows' name for the problem).

import { CATALOG, type ErrorCode } from '../errors/catalog.js';
import { formatEntry } from '../errors/format.js';
import { closestMatch } from '../util/suggest.js';

const CODES = Object.keys(CATALOG) as ErrorCode[];

/** Entries matching `query`: a code, an HTTP status (its entries and those aliased to it), or an alias; case-insensitive. */
export function lookupCodes(query: string): ErrorCode[] {
  const wanted = normalize(query);
  if (wanted === '') return [];
  const exact = CODES.find((code) => code === wanted);
  if (exact !== undefined) return [exact];
  const byStatus = /^\d{3}$/.test(wanted) ? CODES.filter((code) => String(CATALOG[code].status) === wanted) : [];
  const byAlias = CODES.filter((code) => aliasesOf(code).some((alias) => normalize(alias) === wanted));
  return [...new Set([...byStatus, ...byAlias])];
}

/** Codes the user may have meant: the nearest code or alias, else (up to three) codes containing a word typed. */
export function suggestCodes(query: string): ErrorCode[] {
  const wanted = normalize(query);
  const owner = new Map<string, ErrorCode>();
  for (const code of CODES) {
    owner.set(code, code);
    for (const alias of aliasesOf(code)) owner.set(normalize(alias), code);
  }
  const nearest = closestMatch(wanted, owner.keys());
  if (nearest !== undefined) return [owner.get(nearest)!];
  const words = wanted.split(/[\s_-]+/).filter((word) => word.length >= 3);
  const containing = CODES.filter((code) => words.some((word) => code.includes(word)));
  return containing.slice(0, 3);
}

/** Every code with its status and title, for `switchyard explain` without an argument. */
export function listCodes(): string {
  const width = Math.max(...CODES.map((code) => code.length));
  const rows = CODES.map((code) => `  ${code.padEnd(width)}  ${CATALOG[code].status}  ${CATALOG[code].title}`);
  return `Error codes (switchyard explain <code|status|alias> for the cause and fix):\n${rows.join('\n')}\n`;
}

/** Prints the entries for `query` (all shells, since the reader may be on another OS); returns the exit status. */
export function explain(query: string | undefined, out: (text: string) => void, err: (text: string) => void): number {
  if (query === undefined || query.trim() === '') {
    out(listCodes());
    return 0;
  }
  const codes = lookupCodes(query);
  if (codes.length > 0) {
    out(codes.map((code) => formatEntry(code, 'all')).join('\n'));
    return 0;
  }
  const suggestions = suggestCodes(query);
  const hint = suggestions.length > 0 ? ` Did you mean: ${suggestions.join(', ')}?` : '';
  err(`No error code, HTTP status or alias "${query.trim()}" in the catalog.${hint}\nRun \`switchyard explain\` to list every code.\n`);
  return 1;
}

function aliasesOf(code: ErrorCode): readonly string[] {
  return (CATALOG[code] as { aliases?: readonly string[] }).aliases ?? [];
}

function normalize(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
