// Flowchart "HTTP 500 → Check Config Syntax": the file is found, parses and
// validates; its warnings are shown, except those a later check reports better.

import { CATALOG } from '../../errors/catalog.js';
import { isCoveredWarning, unsetVariables } from '../../diagnostics/unset-variables.js';
import type { Check, CheckResult } from '../types.js';

export const configCheck: Check = {
  id: 'config',
  async run(context) {
    if ('error' in context.load) {
      const { error } = context.load;
      return [{ id: 'config', status: 'fail', code: error.code, message: error.message, fix: CATALOG[error.code].fix }];
    }
    const { config } = context.load;
    const aliases = new Set(config.deployments.map((d) => d.modelName)).size;
    const where = config.file ?? 'the built-in demo config (no --config given)';
    const results: CheckResult[] = [
      { id: 'config', status: 'pass', message: `${where} loaded: ${count(config.deployments.length, 'deployment')}, ${count(aliases, 'alias', 'aliases')}` },
    ];
    const unset = unsetVariables(config, context.env);
    for (const warning of config.warnings) {
      // The env check reports unset key variables (grouped) and whitespace in them.
      if (isCoveredWarning(warning, unset) || (warning.code === 'api_key_whitespace' && !warning.message.includes('inline'))) continue;
      results.push({ id: 'config', status: 'warn', code: warning.code, message: warning.message });
    }
    return results;
  },
};

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
