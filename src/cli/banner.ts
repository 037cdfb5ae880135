import type { Config } from '../config/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Router } from '../router/router.js';

interface AliasRow {
  alias: string;
  model: string;
  problem: string;
}

/** What the operator sees on start: where to point clients, what is served, and what looks wrong. */
export function startupBanner(version: string, url: string, config: Config, router: Router): string {
  const rows: AliasRow[] = router.table.groups().flatMap((group) =>
    group.deployments.map((d) => ({
      alias: group.alias,
      model: d.config.litellmModel,
      problem: d.adapter instanceof GatewayError ? `  (unavailable: ${d.adapter.code})` : '',
    })),
  );
  const patterns = new Set(router.table.wildcardPatterns());
  for (const d of config.deployments) {
    if (patterns.has(d.modelName)) rows.push({ alias: d.modelName, model: d.litellmModel, problem: '' });
  }
  const width = Math.max(0, ...rows.map((row) => row.alias.length));
  const lines = [
    `Switchyard ${version} listening on ${url}  (OpenAI base URL: ${url}/v1, Anthropic: ${url})`,
    `  config    ${config.file ?? 'built-in default (no --config given)'}`,
    ...rows.map((row, i) => `${i === 0 ? '  aliases   ' : '            '}${row.alias.padEnd(width)}  → ${row.model}${row.problem}`),
  ];
  if (rows.length === 0) lines.push('  aliases   (none: add entries under model_list)');
  return lines.join('\n') + '\n';
}
