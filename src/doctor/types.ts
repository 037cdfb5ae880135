// The shapes every doctor check shares: a check reads the context and returns
// one or more results; the runner orders them and the printer renders them.

import type { Config } from '../config/types.js';
import type { GatewayError } from '../errors/gateway-error.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  /** `config`, `env:GROQ_API_KEY`, `port`, `provider:groq@api.groq.com`, `model:groq-70b`, … */
  id: string;
  status: CheckStatus;
  message: string;
  /** The catalog code (or config warning code) behind a fail or warn. */
  code?: string;
  /** One line: what to do. Set on every fail. */
  fix?: string;
}

export interface DoctorOptions {
  configPath: string | undefined;
  port: number;
  host: string;
}

export interface DoctorContext {
  options: DoctorOptions;
  /** After .env and the config's environment_variables were applied, as `serve` would see it. */
  env: NodeJS.ProcessEnv;
  /** The config as `serve` would load it, or why it cannot be loaded. */
  load: { config: Config } | { error: GatewayError };
  /** Aborted at the network checks' deadline. */
  signal: AbortSignal;
}

export interface Check {
  /** The step of the error reference's flowchart it runs, for the order and `--json`. */
  id: string;
  run(context: DoctorContext): Promise<CheckResult[]>;
}

/** The loaded config, or undefined when check 1 already failed. */
export function configOf(context: DoctorContext): Config | undefined {
  return 'config' in context.load ? context.load.config : undefined;
}
