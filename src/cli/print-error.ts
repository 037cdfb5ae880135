import { CATALOG } from '../errors/catalog.js';
import type { GatewayError } from '../errors/gateway-error.js';

/** A catalog error for a terminal: code and title, the specifics, and the fix. */
export function formatCliError(error: GatewayError): string {
  const entry = CATALOG[error.code];
  return [`error[${error.code}]: ${entry.title}`, indent(error.message), `  fix: ${entry.fix}`, ''].join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
