// Adds what only the command line can know to a loadConfig failure: the
// working directory and nearby YAML files when the file is missing, the
// offending line with a caret when the YAML does not parse.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../errors/gateway-error.js';
import { describeNearbyYaml, nearbyYamlFiles } from './nearby-yaml.js';
import { caretExcerpt } from './yaml-excerpt.js';

export function explainConfigError(err: GatewayError, configPath: string, cwd: string = process.cwd()): GatewayError {
  const absolute = path.resolve(cwd, configPath);
  if (err.code === 'config_not_found') {
    const lines = [`working directory: ${cwd}`, ...describeNearbyYaml(nearbyYamlFiles([cwd, path.dirname(absolute)]))];
    return rebuild(err, `${err.message}\n${lines.join('\n')}`);
  }
  if (err.code === 'config_invalid_yaml') {
    const { line, column } = err.details;
    if (typeof line !== 'number' || typeof column !== 'number') return err;
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8');
    } catch {
      return err;
    }
    const excerpt = caretExcerpt(text, line, column);
    return excerpt ? rebuild(err, `${err.message}\n${excerpt}`) : err;
  }
  return err;
}

function rebuild(err: GatewayError, message: string): GatewayError {
  return new GatewayError(err.code, message, { param: err.param, details: err.details, cause: err.cause ?? err });
}
