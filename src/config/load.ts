// Reads a LiteLLM `proxy_server_config.yaml` into a validated `Config`. Runs once
// at start-up, so it is synchronous and favours complete messages over speed.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { GatewayError } from '../errors/gateway-error.js';
import { buildConfig, isDeploymentApiKey } from './build.js';
import { Diagnostics } from './diagnostics.js';
import { checkKeys } from './known-keys.js';
import { parseYaml } from './parse-yaml.js';
import { formatPath } from './positions.js';
import { applyEnvironmentVariables, resolveEnvReferences, type EnvReference } from './resolve-env.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';
import { validateConfig } from './validate.js';

export interface LoadConfigOptions {
  /** Read for `os.environ/…` and default keys, written by `environment_variables:`. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads `file` (relative to the working directory). Messages name the file as
 * given; `Config.file` is the absolute path. Throws `GatewayError` with code
 * `config_not_found`, `config_invalid_yaml` or `config_invalid`.
 */
export function loadConfig(file: string, options: LoadConfigOptions = {}): Config {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new GatewayError('config_not_found', `cannot read config file ${absolute}: ${reason}`, { details: { file: absolute }, cause: err });
  }
  return { ...loadConfigText(text, file, options), file: absolute };
}

/** Loads config text; `fileLabel` names it in messages. `Config.file` is left undefined. */
export function loadConfigText(text: string, fileLabel: string, options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const diagnostics = new Diagnostics(fileLabel);
  const { doc, source } = parseYaml(text, fileLabel, diagnostics);

  // environment_variables first: the rest of the file may refer to them.
  applyEnvironmentVariables(doc, source, env, diagnostics);
  const references = resolveEnvReferences(doc, source, env);
  reportUnsetReferences(references, diagnostics);

  const data = toPlainData(doc, fileLabel);
  const unknownKeys = checkKeys(configSchema, data, source, diagnostics);
  const parsed = validateConfig(data, { source, diagnostics, references, unknownKeys });
  const config = buildConfig(parsed, { source, diagnostics, env, references });
  return { file: undefined, ...config, warnings: diagnostics.sortedWarnings() };
}

/**
 * What an unset variable means depends on the key: for a deployment's api_key,
 * that deployment cannot be used (reported when it is built); for master_key,
 * starting would silently drop the intended auth, so it is an error; anywhere
 * else the value is treated as absent, with a warning.
 */
function reportUnsetReferences(references: readonly EnvReference[], diagnostics: Diagnostics): void {
  for (const reference of references) {
    if (isDeploymentApiKey(reference.path)) continue;
    const where = formatPath(reference.path);
    if (where === 'general_settings.master_key') {
      if (reference.state !== 'set') {
        const state = reference.state === 'unset' ? 'is not set' : 'is empty';
        diagnostics.error(reference.path, `environment variable ${reference.name} ${state}; Switchyard will not start without the master key this config asks for`, reference.position);
      }
    } else if (reference.state === 'unset') {
      diagnostics.warn('env_var_not_set', reference.position, `${where}: environment variable ${reference.name} is not set, so the value is treated as absent`);
    }
  }
}

function toPlainData(doc: Document, file: string): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    // e.g. an alias expanded too many times (a "billion laughs" file)
    throw new GatewayError('config_invalid_yaml', `${file}: ${(err as Error).message}`, { details: { file }, cause: err });
  }
}
