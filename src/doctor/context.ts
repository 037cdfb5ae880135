// Loads what `serve` would load (.env, the config) without starting anything,
// so every check sees the same environment the gateway would.

import { builtinConfig } from '../config/default-config.js';
import { loadDotEnv } from '../config/dotenv.js';
import { loadConfig } from '../config/load.js';
import { explainConfigError } from '../diagnostics/config-error.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { DoctorContext, DoctorOptions } from './types.js';

export function createContext(options: DoctorOptions, env: NodeJS.ProcessEnv, signal: AbortSignal, cwd: string = process.cwd()): DoctorContext {
  try {
    loadDotEnv(cwd, env);
  } catch (err) {
    return { options, env, load: { error: asGatewayError(err) }, signal };
  }
  try {
    const config = options.configPath === undefined ? builtinConfig() : loadConfig(options.configPath, { env });
    return { options, env, load: { config }, signal };
  } catch (err) {
    const error = err instanceof GatewayError && options.configPath !== undefined ? explainConfigError(err, options.configPath, cwd) : asGatewayError(err);
    return { options, env, load: { error }, signal };
  }
}

function asGatewayError(err: unknown): GatewayError {
  return err instanceof GatewayError ? err : new GatewayError('internal_error', (err as Error)?.message ?? String(err), { cause: err });
}
