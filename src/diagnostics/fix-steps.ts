// Catalog fix steps with the catalog's example values swapped for the real
// ones: the steps say GROQ_API_KEY, port 4000 and Redis at 127.0.0.1:6379;
// the user should be able to paste the command that fits their case.

import type { ErrorCode } from '../errors/catalog.js';
import { formatEntry, type Shells } from '../errors/format.js';

export type Replacements = ReadonlyMap<string, string>;

/** The `  fix:` block of a formatted catalog entry or CLI error, with `replacements` applied in one pass. */
export function substituteInFix(formatted: string, replacements: Replacements): string {
  const start = formatted.indexOf('\n  fix:');
  if (start < 0 || replacements.size === 0) return formatted;
  // One pass, so a replacement is never replaced again (port 4000 → 4001, 4001 → 4002).
  const pattern = new RegExp([...replacements.keys()].sort((a, b) => b.length - a.length).map(escape).map((k) => `(?<![\\w-])${k}(?![\\w-])`).join('|'), 'g');
  return formatted.slice(0, start) + formatted.slice(start).replace(pattern, (found) => replacements.get(found) ?? found);
}

/** Just the `  fix:` block of the entry (from that line on), with the replacements applied. */
export function catalogFix(code: ErrorCode, shells: Shells, replacements: Replacements = new Map()): string {
  const text = substituteInFix(formatEntry(code, shells), replacements);
  const start = text.indexOf('\n  fix:');
  return start < 0 ? '' : text.slice(start + 1);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
