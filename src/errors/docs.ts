import { CATALOG, type CatalogEntry, type ErrorCode, type FixStep } from './catalog.js';

// docs/errors.md is generated from the catalog (`npm run docs:errors`); a test
// fails when the two drift apart, so the page can never describe another product.

const SECTIONS = ['Your request', 'The provider', 'Configuration, start-up and the command line'] as const;
/** Provider answers whose code does not say so by its prefix. */
const FROM_PROVIDER = new Set<ErrorCode>(['context_length_exceeded', 'rate_limit_exceeded', 'insufficient_quota', 'request_too_large']);

function sectionOf(code: ErrorCode, entry: CatalogEntry): (typeof SECTIONS)[number] {
  if (entry.surface !== 'http') return SECTIONS[2];
  return code.startsWith('upstream_') || FROM_PROVIDER.has(code) ? SECTIONS[1] : SECTIONS[0];
}

export function renderErrorDocs(): string {
  const codes = Object.keys(CATALOG) as ErrorCode[];
  const out = [
    '# Switchyard errors',
    '',
    '<!-- Generated from src/errors/catalog.ts by `npm run docs:errors`. Do not edit by hand. -->',
    '',
    'Every error Switchyard reports has a stable `code`. Over HTTP it arrives in OpenAI\'s envelope',
    '`{"error": {"message", "type", "param", "code", "fix", …}}` with `x-should-retry` and, for 429/503,',
    '`retry-after`. On the command line it prints as `error[code]: title`, the specifics, and the fix.',
    '`switchyard explain <code|status|name>` prints any entry below.',
    '',
    '| code | HTTP | retry helps | title |',
    '|---|---|---|---|',
    ...codes.map((code) => `| [\`${code}\`](#${code}) | ${CATALOG[code].status} | ${CATALOG[code].retryable ? 'yes' : 'no'} | ${CATALOG[code].title} |`),
    '',
  ];
  for (const section of SECTIONS) {
    out.push(`## ${section}`, '');
    for (const code of codes.filter((c) => sectionOf(c, CATALOG[c]) === section)) out.push(...renderEntry(code, CATALOG[code]));
  }
  return out.join('\n');
}

function renderEntry(code: ErrorCode, entry: CatalogEntry): string[] {
  const lines = [`### ${code}`, '', `**${entry.title}** — HTTP ${entry.status}, type \`${entry.type}\`, ${entry.retryable ? 'retryable' : 'not retryable'}.`, ''];
  if (entry.aliases?.length) lines.push(`Also known as: ${entry.aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
  lines.push(`**Cause:** ${entry.cause}`, '', `**Fix:** ${entry.fix}`, '');
  entry.steps.forEach((step, i) => lines.push(...renderStep(step, i + 1)));
  return lines;
}

function renderStep(step: FixStep, n: number): string[] {
  const lines = [`${n}. ${step.text}`];
  const blocks: Array<[string, string | undefined]> = [['bash', step.posix], ['bat', step.cmd], ['powershell', step.powershell], ['yaml', step.config]];
  for (const [lang, body] of blocks) {
    if (body !== undefined) lines.push('', `   \`\`\`${lang}`, ...body.split('\n').map((l) => `   ${l}`), '   ```');
  }
  lines.push('');
  return lines;
}
