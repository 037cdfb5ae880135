// Flowchart "HTTP 404 → Check Model Name in Config", against the provider:
// every configured model is one the provider serves. A model missing from the
// list gets one tiny probe request, because only the provider can tell a typo
// from a retired model (both are absent from the list); providers refuse
// unknown and retired models before generating, so the probe costs nothing
// unless the model actually answers.

import { randomUUID } from 'node:crypto';
import { CATALOG } from '../../errors/catalog.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { closestMatch } from '../../util/suggest.js';
import { withDeadline } from '../deadline.js';
import { callableDeployments, type CallableDeployment } from '../deployments.js';
import { configOf, type Check, type CheckResult, type DoctorContext } from '../types.js';

export const modelsCheck: Check = {
  id: 'model',
  async run(context) {
    const config = configOf(context);
    if (config === undefined) return [{ id: 'model', status: 'skip', message: 'models not checked: the config did not load' }];
    const deployments = callableDeployments(config, context.env).filter((d) => !d.wildcard);
    if (deployments.length === 0) return [{ id: 'model', status: 'skip', message: 'no provider models to check' }];
    return Promise.all(deployments.map((d) => checkModel(d, context)));
  },
};

async function checkModel(d: CallableDeployment, context: DoctorContext): Promise<CheckResult> {
  const id = `model:${d.id}`;
  const name = `${d.alias} → ${d.config.litellmModel}`;
  const error = await attempt(d.adapter.checkHealth(d.upstreamModel, context.signal), context.signal);
  if (error === undefined) return { id, status: 'pass', message: `${name}: served by ${d.provider}` };
  if (error instanceof GatewayError && error.code === 'upstream_permission_denied') {
    // The key works (the endpoint check passed it) but may not use this model.
    return { id, status: 'fail', code: error.code, message: `${name}: ${error.message}`, fix: CATALOG.upstream_permission_denied.fix };
  }
  if (!(error instanceof GatewayError) || error.code !== 'upstream_model_unavailable') {
    // The endpoint check reports why the provider could not be asked.
    const why = error instanceof GatewayError ? error.code : 'no answer in time';
    return { id, status: 'skip', message: `${name}: not checked (${why}; see the provider check)` };
  }

  const probe = await attempt(probeChat(d, context.signal), context.signal);
  if (probe === undefined) {
    return { id, status: 'warn', code: 'upstream_model_unavailable', message: `${name}: not in ${d.provider}'s model list, but it answers` };
  }
  if (probe instanceof GatewayError && isDecommissioned(probe)) {
    return {
      id, status: 'fail', code: 'upstream_model_unavailable',
      message: `${name}: ${d.provider} has decommissioned "${d.upstreamModel}"`,
      fix: `Change litellm_params.model of "${d.alias}" to a current model (${d.provider}'s deprecation page names the successor)`,
    };
  }
  if (!(probe instanceof GatewayError) || (probe.code !== 'upstream_model_unavailable' && probe.code !== 'upstream_bad_request')) {
    const why = probe instanceof GatewayError ? probe.code : 'no answer in time';
    return { id, status: 'warn', code: 'upstream_model_unavailable', message: `${name}: not in ${d.provider}'s model list, and a test request failed (${why})` };
  }
  const listed = error.details.available_models;
  const suggestion = Array.isArray(listed) ? closestMatch(d.upstreamModel, listed as string[]) : undefined;
  const prefix = d.config.litellmModel.slice(0, d.config.litellmModel.length - d.upstreamModel.length);
  return {
    id, status: 'fail', code: 'upstream_model_unavailable',
    message: `${name}: ${d.provider} does not serve "${d.upstreamModel}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
    fix: suggestion === undefined ? CATALOG.upstream_model_unavailable.fix : `Set litellm_params.model: ${prefix}${suggestion} for "${d.alias}"`,
  };
}

/** One-token chat request, so the provider says why it does not serve the model. */
function probeChat(d: CallableDeployment, signal: AbortSignal): Promise<unknown> {
  return d.adapter.complete({
    body: { model: d.upstreamModel, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
    upstreamModel: d.upstreamModel,
    stream: false,
    includeUsage: false,
    signal,
    requestId: `doctor-${randomUUID()}`,
  });
}

function isDecommissioned(error: GatewayError): boolean {
  return error.details.upstream_code === 'model_decommissioned' || /decommissioned|deprecated|retired/i.test(error.message);
}

/** The error `promise` rejects with (or the deadline's), undefined when it resolves. */
function attempt(promise: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  return withDeadline(promise, signal).then(() => undefined, (err: unknown) => err ?? new Error('failed'));
}
