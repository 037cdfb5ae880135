import { toGatewayError } from '../../errors/envelope.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { Deployment } from '../../router/deployment.js';
import type { Router } from '../../router/router.js';
import type { Handler } from '../context.js';
import { toAbortSignal } from '../../util/cancel-signal.js';
import { sendJson } from '../respond.js';

const PROBE_TIMEOUT_MS = 10_000;

/** GET /health/liveliness (LiteLLM's spelling) and /health/liveness: the process answers. */
export const liveness: Handler = (_req, res, ctx) => sendJson(res, 200, "I'm alive!", ctx.headers);

/**
 * GET /health/readiness: ready to serve traffic; LiteLLM's shape plus our version.
 * `cache` says where shared state lives: null (memory), 'redis', or 'redis
 * (degraded: local state)' while Redis is away — still 200: requests are served.
 */
export function readiness(version: string, cache: () => string | null = () => null, draining: () => boolean = () => false): Handler {
  return (_req, res, ctx) => {
    // 503 while draining, so a load balancer stops sending before the process exits.
    const status = draining() ? 'draining' : 'healthy';
    sendJson(res, status === 'healthy' ? 200 : 503, { status, db: 'Not connected', cache: cache(), litellm_version: null, switchyard_version: version, success_callbacks: [] }, ctx.headers);
  };
}

/**
 * GET /health: checks every deployment against its upstream, as LiteLLM does,
 * but with a free call (the model list) instead of a paid completion.
 */
export function deploymentHealth(router: Router): Handler {
  return async (_req, res, ctx) => {
    const deployments = router.table.groups().flatMap((group) => group.deployments);
    const signal = AbortSignal.any([toAbortSignal(ctx.signal), AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
    const results = await Promise.all(deployments.map((d) => probe(d, signal)));
    const healthy = results.filter((r) => r.error_code === undefined);
    const unhealthy = results.filter((r) => r.error_code !== undefined);
    sendJson(res, 200, { healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length }, ctx.headers);
  };
}

interface EndpointHealth {
  model_name: string;
  model: string;
  deployment_id: string;
  api_base?: string;
  error_code?: string;
  error?: string;
}

async function probe(deployment: Deployment, signal: AbortSignal): Promise<EndpointHealth> {
  const entry: EndpointHealth = {
    model_name: deployment.alias,
    model: deployment.config.litellmModel,
    deployment_id: deployment.id,
    ...(deployment.config.apiBase ? { api_base: deployment.config.apiBase } : {}),
  };
  try {
    if (deployment.adapter instanceof GatewayError) throw deployment.adapter;
    await deployment.adapter.checkHealth(deployment.upstreamModel, signal);
    return entry;
  } catch (err) {
    const error = err instanceof GatewayError || !signal.aborted
      ? toGatewayError(err)
      : new GatewayError('upstream_timeout', `${deployment.provider} did not answer the health check within ${PROBE_TIMEOUT_MS / 1000} s.`);
    return { ...entry, error_code: error.code, error: error.message };
  }
}
