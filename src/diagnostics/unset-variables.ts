// The start-up report for unset key variables: one block per variable with
// every deployment it disables and how to set it in each shell, instead of one
// warning line per deployment (ten aliases on one GROQ_API_KEY is ten lines
// saying the same thing).

import type { Config, ConfigWarning, DeploymentConfig, SourcePosition } from '../config/types.js';
import { providerInfo } from '../providers/provider-table.js';
import type { Shells } from '../errors/format.js';
import { formatFix } from '../errors/format.js';

export interface UnsetVariable {
  name: string;
  /** `is not set` or `is empty`. */
  state: 'unset' | 'empty';
  deployments: DeploymentConfig[];
}

/** Key variables that deployments need and that are unset or empty, in config order. */
export function unsetVariables(config: Config, env: NodeJS.ProcessEnv): UnsetVariable[] {
  const byName = new Map<string, UnsetVariable>();
  for (const deployment of config.deployments) {
    const missing = deployment.apiKeyMissing;
    if (missing === undefined) continue;
    const group = byName.get(missing.name) ?? { name: missing.name, state: env[missing.name] === '' ? 'empty' : 'unset', deployments: [] };
    group.deployments.push(deployment);
    byName.set(missing.name, group);
  }
  return [...byName.values()];
}

/** Whether `warning` is one of the per-deployment lines a block of `unset` already says. */
export function isCoveredWarning(warning: ConfigWarning, unset: readonly UnsetVariable[]): boolean {
  if (warning.code !== 'env_var_not_set') return false;
  return unset.some((variable) => variable.deployments.some((d) => samePosition(d.apiKeyMissing?.position, warning.position)));
}

export function formatUnsetVariable(variable: UnsetVariable, shells: Shells = 'all'): string {
  const count = variable.deployments.length === 1 ? '1 deployment is' : `${variable.deployments.length} deployments are`;
  const lines = [
    `warning[env_var_not_set] ${variable.name} ${variable.state === 'empty' ? 'is empty' : 'is not set'}: ${count} disabled until it is set (requests to them answer env_var_not_set):`,
    ...variable.deployments.map((d) => {
      const where = d.apiKeyMissing?.position ? `  (${d.apiKeyMissing.position.file}:${d.apiKeyMissing.position.line})` : '';
      return `  ${d.modelName} → ${d.litellmModel}${where}`;
    }),
  ];
  const example = `${exampleKeyPrefix(variable)}your_key_here`;
  const fix = formatFix('env_var_not_set', shells, new Map([['GROQ_API_KEY', variable.name], ['gsk_your_key_here', example]]));
  return lines.join('\n') + '\n' + fix;
}

/** `gsk_` for a Groq key, so the example looks like what the user will paste. */
function exampleKeyPrefix(variable: UnsetVariable): string {
  const prefixes = new Set(variable.deployments.map((d) => providerInfo(d.provider)?.keyPrefix ?? ''));
  return prefixes.size === 1 ? [...prefixes][0]! : '';
}

function samePosition(a: SourcePosition | undefined, b: SourcePosition | undefined): boolean {
  return a !== undefined && b !== undefined && a.line === b.line && a.column === b.column && a.file === b.file;
}
