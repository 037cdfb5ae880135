import { CATALOG, type ErrorCode, type FixStep } from './catalog.js';
import type { GatewayError } from './gateway-error.js';

export type Shells = 'posix' | 'windows' | 'all';

/**
 * The catalog's steps use example values (GROQ_API_KEY, port 4000, Redis at
 * 127.0.0.1:6379); a caller that knows the real ones swaps them in, so the
 * printed command is the one to paste.
 */
export type Replacements = ReadonlyMap<string, string>;

/** The shells worth showing on this machine: Windows users get cmd and PowerShell, everyone else bash. */
export function shellsFor(platform: NodeJS.Platform = process.platform): Shells {
  return platform === 'win32' ? 'windows' : 'posix';
}

/** A catalog entry for a terminal: title, cause and the fix steps with their commands. */
export function formatEntry(code: ErrorCode, shells: Shells = shellsFor(), replacements?: Replacements): string {
  const entry = CATALOG[code];
  const lines = [`${code} — ${entry.title}  (HTTP ${entry.status}, ${entry.retryable ? 'retryable' : 'not retryable'})`, `  cause: ${entry.cause}`];
  return [...lines, formatFix(code, shells, replacements)].join('\n');
}

/** The `  fix:` block of an entry: the one-line fix, or the numbered steps with their commands. */
export function formatFix(code: ErrorCode, shells: Shells = shellsFor(), replacements?: Replacements): string {
  const entry = CATALOG[code];
  if (entry.steps.length === 0) return `  fix: ${entry.fix}\n`;
  const swap = replacer(replacements);
  const lines = ['  fix:'];
  entry.steps.forEach((step, i) => lines.push(...formatStep(step, i + 1, shells).map(swap)));
  return lines.join('\n') + '\n';
}

/** A failure on the command line: what happened here, then the catalog's cause and fix. */
export function formatCliError(error: GatewayError, shells: Shells = shellsFor(), replacements?: Replacements): string {
  const entry = CATALOG[error.code];
  const lines = [`error[${error.code}]: ${entry.title}`, ...error.message.split('\n').map((line) => `  ${line}`)];
  return [...lines, formatFix(error.code, shells, replacements)].join('\n');
}

/** One pass over the text, so a replacement is never replaced again (port 4000 → 4001, 4001 → 4002). */
function replacer(replacements: Replacements | undefined): (text: string) => string {
  if (replacements === undefined || replacements.size === 0) return (text) => text;
  const keys = [...replacements.keys()].sort((a, b) => b.length - a.length).map((k) => `(?<![\\w-])${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  const pattern = new RegExp(keys.join('|'), 'g');
  return (text) => text.replace(pattern, (found) => replacements.get(found) ?? found);
}

function formatStep(step: FixStep, n: number, shells: Shells): string[] {
  const lines = [`    ${n}. ${step.text}`];
  const noWindowsCommand = step.cmd === undefined && step.powershell === undefined;
  const commands: Array<[string, string | undefined]> =
    shells === 'posix' ? [['', step.posix], ['', step.config]]
    : shells === 'windows' ? (noWindowsCommand ? [['', step.posix], ['', step.config]] : [['cmd', step.cmd], ['PowerShell', step.powershell], ['', step.config]])
    : [['bash', step.posix], ['cmd', step.cmd], ['PowerShell', step.powershell], ['', step.config]];
  for (const [label, command] of commands) {
    if (command === undefined) continue;
    const prefix = label ? `${label}: ` : '';
    command.split('\n').forEach((line, i) => lines.push(`       ${i === 0 ? prefix : ' '.repeat(prefix.length)}${line}`));
  }
  return lines;
}
