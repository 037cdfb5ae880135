// What the command line prints about problems: errors that stop start-up, and
// warnings about what started degraded. Both come from the catalog, with the
// catalog's example values (port 4000, GROQ_API_KEY, Redis at 127.0.0.1:6379)
// replaced by this case's.

import type { Config } from '../config/types.js';
import { formatCliError, type Shells } from '../errors/format.js';
import { GatewayError } from '../errors/gateway-error.js';

import { formatUnsetVariable, isCoveredWarning, unsetVariables } from '../diagnostics/unset-variables.js';

/** The catalog error with its fix commands made specific. */
export function formatCliProblem(error: GatewayError, shells?: Shells): string {
  return formatCliError(error, shells, exampleValues(error));
}

/** A catalog error printed as a warning: the same title, details and fix, for something Switchyard works around. */
export function formatCliWarning(error: GatewayError, shells?: Shells): string {
  return formatCliProblem(error, shells).replace(/^error\[/, 'warning[');
}

/**
 * Config warnings for the start-up output. Unset key variables come as one
 * block per variable (the deployments it disables, and the set commands for
 * every shell, since the user's shell is not necessarily the one we run in).
 */
export function formatStartupWarnings(config: Config, env: NodeJS.ProcessEnv): string {
  const unset = unsetVariables(config, env);
  const lines = config.warnings.filter((w) => !isCoveredWarning(w, unset)).map((w) => `warning[${w.code}] ${w.message}\n`);
  return lines.join('') + unset.map((variable) => formatUnsetVariable(variable, 'all')).join('');
}

/**
 * The one way the CLI fails: the catalog's title, cause and fix, exit status 1.
 * Stack traces only with --detailed_debug: they help us, not the user.
 */
export function exitWithError(err: unknown, detailedDebug: boolean): never {
  const error = err instanceof GatewayError ? err : new GatewayError('internal_error', `${(err as Error)?.message ?? String(err)}`, { cause: err });
  process.stderr.write(formatCliProblem(error));
  if (detailedDebug) {
    const internal = err instanceof GatewayError && err.cause instanceof Error ? err.cause : err;
    if (internal instanceof Error && internal.stack) process.stderr.write(`\n${internal.stack}\n`);
  }
  process.exit(1);
}

function exampleValues(error: GatewayError): Map<string, string> {
  const { details } = error;
  const replacements = new Map<string, string>();
  if (typeof details.port === 'number' && error.code === 'port_in_use') {
    replacements.set('4000', String(details.port));
    if (typeof details.free_port === 'number') replacements.set('4001', String(details.free_port));
  }
  // For a forbidden port, --port 4000 is the advice, not the example: only the firewall rule names the port.
  if (typeof details.port === 'number' && error.code === 'port_forbidden') replacements.set('localport=4000', `localport=${details.port}`);
  if (error.code === 'redis_unreachable' && typeof details.host === 'string' && typeof details.port === 'number') {
    // Only the client's side: in `docker run -p 6379:6379`, the second 6379 is inside the container.
    replacements.set('-h 127.0.0.1 -p 6379', `-h ${details.host} -p ${details.port}`);
    replacements.set('-p 6379:6379', `-p ${details.port}:6379`);
  }
  if (typeof details.env_var === 'string') replacements.set('GROQ_API_KEY', details.env_var);
  return replacements;
}
