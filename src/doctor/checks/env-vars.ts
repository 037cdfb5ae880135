// Flowchart "HTTP 401/403 → Check API Key", the offline half: every key
// variable the config uses is set, has no stray whitespace (a pasted newline is
// the classic), and looks like the provider's keys. Values are shown masked.

import type { DeploymentConfig } from '../../config/types.js';
import { maskSecret } from '../../errors/mask.js';
import { shellsFor } from '../../errors/format.js';
import { providerInfo } from '../../providers/provider-table.js';
import { unsetVariables } from '../../diagnostics/unset-variables.js';
import { configOf, type Check, type CheckResult } from '../types.js';

export const envVarsCheck: Check = {
  id: 'env',
  async run(context) {
    const config = configOf(context);
    if (config === undefined) return [{ id: 'env', status: 'skip', message: 'environment variables not checked: the config did not load' }];
    const results: CheckResult[] = [];

    for (const variable of unsetVariables(config, context.env)) {
      const names = variable.deployments.map((d) => d.modelName);
      const example = `${providerInfo(variable.deployments[0]!.provider)?.keyPrefix ?? ''}your_key_here`;
      results.push({
        id: `env:${variable.name}`,
        status: 'fail',
        code: 'env_var_not_set',
        message: `${variable.name} ${variable.state === 'empty' ? 'is empty' : 'is not set'}: ${list(names)} cannot be used`,
        fix: `${setCommand(variable.name, example)} (or ${variable.name}=${example} in .env), then restart Switchyard`,
      });
    }

    for (const [name, deployments] of keyVariables(config.deployments)) {
      const raw = context.env[name];
      if (raw === undefined || raw.trim() === '') continue; // reported above
      results.push(judgeKey(name, raw, deployments));
    }
    if (results.length === 0) results.push({ id: 'env', status: 'pass', message: 'no key variables referenced (keys are inline or not needed)' });
    return results;
  },
};

/** Variables that supply a deployment's key, with the deployments reading each. */
function keyVariables(deployments: readonly DeploymentConfig[]): Map<string, DeploymentConfig[]> {
  const byName = new Map<string, DeploymentConfig[]>();
  for (const d of deployments) {
    if (d.apiKey === undefined || d.apiKey.source.kind === 'inline') continue;
    byName.set(d.apiKey.source.name, [...(byName.get(d.apiKey.source.name) ?? []), d]);
  }
  return byName;
}

function judgeKey(name: string, raw: string, deployments: readonly DeploymentConfig[]): CheckResult {
  const id = `env:${name}`;
  const shown = `${name}=${maskSecret(raw)}`;
  const trimmed = raw.trim();
  if (trimmed !== raw) {
    const what = /[\r\n]\s*$/.test(raw) ? 'ends with a newline' : /^\s/.test(raw) ? 'starts with whitespace' : 'ends with whitespace';
    return {
      id, status: 'warn', code: 'upstream_authentication_error',
      message: `${shown} ${what}; Switchyard sends it trimmed, other tools reading ${name} may not`,
      fix: `Set ${name} again without the whitespace (${setCommand(name, '<key>')})`,
    };
  }
  const expected = expectedPrefix(deployments);
  if (expected !== undefined && !trimmed.startsWith(expected.prefix)) {
    return {
      id, status: 'warn', code: 'upstream_authentication_error',
      message: `${shown} does not start with ${expected.prefix}, as ${expected.provider} keys do; is it another provider's key?`,
      fix: `Put a ${expected.provider} key into ${name} (${setCommand(name, `${expected.prefix}…`)})`,
    };
  }
  return { id, status: 'pass', message: `${shown} is set (used by ${list(deployments.map((d) => d.modelName))})` };
}

/**
 * The prefix the key should have. `openai/` with its own api_base is "any
 * OpenAI-compatible server", whose keys can look like anything.
 */
function expectedPrefix(deployments: readonly DeploymentConfig[]): { prefix: string; provider: string } | undefined {
  for (const d of deployments) {
    const info = providerInfo(d.provider);
    if (info?.keyPrefix === undefined) continue;
    if (d.provider === 'openai' && d.apiBase !== undefined && d.apiBase !== info.defaultApiBase) continue;
    return { prefix: info.keyPrefix, provider: d.provider };
  }
  return undefined;
}

/** The set command for the shell doctor runs in. */
function setCommand(name: string, value: string): string {
  if (shellsFor() === 'windows') return `cmd: set ${name}=${value}   PowerShell: $env:${name}="${value}"`;
  return `export ${name}=${value}`;
}

function list(names: readonly string[]): string {
  const unique = [...new Set(names)];
  return unique.length <= 4 ? unique.join(', ') : `${unique.slice(0, 4).join(', ')} and ${unique.length - 4} more`;
}
