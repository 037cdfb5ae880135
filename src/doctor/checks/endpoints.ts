// Flowchart "HTTP 502/503 → Check Provider Status" and "401/403 → Check API
// Key", live: each distinct (provider, api_base, key) is asked for its model
// list, which costs nothing and proves reachability, TLS and the key at once.

import { CATALOG } from '../../errors/catalog.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { callableDeployments, groupByEndpoint, type Endpoint } from '../deployments.js';
import { configOf, type Check, type CheckResult, type DoctorContext } from '../types.js';
import { withDeadline } from '../deadline.js';

/** Failures that concern one model, not the endpoint: the endpoint answered with the key. */
const MODEL_LEVEL = new Set(['upstream_model_unavailable', 'upstream_permission_denied']);

export const endpointsCheck: Check = {
  id: 'provider',
  async run(context) {
    const config = configOf(context);
    if (config === undefined) return [{ id: 'provider', status: 'skip', message: 'provider endpoints not checked: the config did not load' }];
    const endpoints = groupByEndpoint(callableDeployments(config, context.env));
    if (endpoints.length === 0) return [{ id: 'provider', status: 'skip', message: 'no deployment calls a provider (mock only, or every key is missing)' }];
    return Promise.all(endpoints.map((endpoint) => checkEndpoint(endpoint, context)));
  },
};

async function checkEndpoint(endpoint: Endpoint, context: DoctorContext): Promise<CheckResult> {
  const id = `provider:${endpoint.label}`;
  const probe = endpoint.deployments[0]!;
  const error = await withDeadline(probe.adapter.checkHealth(probe.upstreamModel, context.signal), context.signal).then(() => undefined, (err: unknown) => err);
  if (error === undefined || (error instanceof GatewayError && MODEL_LEVEL.has(error.code))) {
    return { id, status: 'pass', message: `${endpoint.label} reachable, key ${endpoint.keyLabel} accepted` };
  }
  if (error instanceof GatewayError) {
    // The adapter's message names the variable and the masked key; say where, unless it does already.
    const host = endpoint.label.slice(endpoint.label.indexOf('@') + 1);
    const message = error.message.includes(host) ? error.message : `${endpoint.label}: ${error.message}`;
    return { id, status: 'fail', code: error.code, message, fix: CATALOG[error.code].fix };
  }
  if (context.signal.aborted) {
    return { id, status: 'fail', code: 'upstream_timeout', message: `${endpoint.label} did not answer its model list within the doctor's deadline`, fix: CATALOG.upstream_timeout.fix };
  }
  return { id, status: 'fail', code: 'internal_error', message: `${endpoint.label}: ${(error as Error)?.message ?? String(error)}`, fix: CATALOG.internal_error.fix };
}
