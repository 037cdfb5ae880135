import { CATALOG, type ErrorCode, type FixStep } from './catalog.js';
import type { GatewayError } from './gateway-error.js';

export type Shells = 'posix' | 'windows' | 'all';

/** The shells worth showing on this machine: Windows users get cmd and PowerShell, everyone else bash. */
export function shellsFor(platform: NodeJS.Platform = process.platform): Shells {
  return platform === 'win32' ? 'windows' : 'posix';
}

/** A catalog entry for a terminal: title, cause and the fix steps with their commands. */
export function formatEntry(code: ErrorCode, shells: Shells = shellsFor()): string {
  const entry = CATALOG[code];
  const lines = [`${code} — ${entry.title}  (HTTP ${entry.status}, ${entry.retryable ? 'retryable' : 'not retryable'})`, `  cause: ${entry.cause}`];
  if (entry.steps.length === 0) lines.push(`  fix:   ${entry.fix}`);
  else {
    lines.push('  fix:');
    entry.steps.forEach((step, i) => lines.push(...formatStep(step, i + 1, shells)));
  }
  return lines.join('\n') + '\n';
}

/** A failure on the command line: what happened here, then the catalog's cause and fix. */
export function formatCliError(error: GatewayError, shells: Shells = shellsFor()): string {
  const entry = CATALOG[error.code];
  const lines = [`error[${error.code}]: ${entry.title}`, ...error.message.split('\n').map((line) => `  ${line}`)];
  if (entry.steps.length === 0) lines.push(`  fix: ${entry.fix}`);
  else {
    lines.push('  fix:');
    entry.steps.forEach((step, i) => lines.push(...formatStep(step, i + 1, shells)));
  }
  return lines.join('\n') + '\n';
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
