// Doctor's two outputs: one line per result for people, one JSON document for scripts.

import type { DoctorReport } from './runner.js';
import type { CheckResult, CheckStatus } from './types.js';

const SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

/** `✓ message`, and for a failure the fix on the next line. Continuation lines are indented under the message. */
export function formatResults(results: readonly CheckResult[]): string {
  return results.map((result) => {
    const code = result.code !== undefined && result.status !== 'pass' ? `  [${result.code}]` : '';
    const message = result.message.split('\n').join('\n  ');
    const fix = result.status === 'fail' && result.fix !== undefined ? `\n    fix: ${result.fix}` : '';
    return `${SYMBOL[result.status]} ${message}${code}${fix}\n`;
  }).join('');
}

export function formatSummary(report: DoctorReport): string {
  const count = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  const failed = count('fail');
  const warned = count('warn');
  const verdict = failed === 0 ? 'All checks passed' : `${failed} check${failed === 1 ? '' : 's'} failed`;
  return `\n${verdict}${warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.\n`;
}

export function formatJson(report: DoctorReport): string {
  return JSON.stringify({ ok: report.ok, checks: report.checks }, null, 2) + '\n';
}
