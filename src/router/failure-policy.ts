import type { ErrorCode } from '../errors/catalog.js';
import type { GatewayError } from '../errors/gateway-error.js';

/**
 * What one failed call means for the rest of the request and for the
 * deployment, following provider-wire-formats.md §6 (LiteLLM's rules where
 * they are right, stricter where retrying cannot help).
 */
export interface FailurePolicy {
  /** Calling again (this deployment or another of the group) may succeed. */
  retry: boolean;
  /** Another deployment of the group, or a fallback alias, may succeed even though a retry here cannot. */
  tryElsewhere: boolean;
  /** Which fallback list applies once the group is exhausted. */
  fallback: 'fallbacks' | 'context_window_fallbacks' | 'content_policy_fallbacks' | undefined;
  /** `now`: take the deployment out at once; `counted`: after `allowed_fails`; `never`: the request's fault. */
  cooldown: 'now' | 'counted' | 'never';
}

const policy = (retry: boolean, tryElsewhere: boolean, fallback: FailurePolicy['fallback'], cooldown: FailurePolicy['cooldown']): FailurePolicy =>
  ({ retry, tryElsewhere, fallback, cooldown });

/** The request itself is wrong: the same request fails everywhere. */
const REQUEST_FAULT = policy(false, false, undefined, 'never');
/** This deployment cannot serve (key, model, account): others may; it needs a long rest. */
const DEPLOYMENT_BROKEN = policy(false, true, 'fallbacks', 'now');
/** Transient: try again, here or elsewhere; repeated failures cool the deployment down. */
const TRANSIENT = policy(true, true, 'fallbacks', 'counted');

const POLICIES: Partial<Record<ErrorCode, FailurePolicy>> = {
  invalid_request: REQUEST_FAULT,
  invalid_json: REQUEST_FAULT,
  unsupported_param: REQUEST_FAULT,
  upstream_bad_request: REQUEST_FAULT,
  context_length_exceeded: policy(false, true, 'context_window_fallbacks', 'never'),
  // Can never fit this key's per-minute budget; a model with a larger TPM might.
  request_too_large: policy(false, true, 'fallbacks', 'never'),

  upstream_authentication_error: DEPLOYMENT_BROKEN,
  upstream_permission_denied: DEPLOYMENT_BROKEN,
  upstream_model_unavailable: DEPLOYMENT_BROKEN,
  insufficient_quota: DEPLOYMENT_BROKEN,
  env_var_not_set: DEPLOYMENT_BROKEN,
  provider_not_supported: DEPLOYMENT_BROKEN,
  config_invalid: DEPLOYMENT_BROKEN,
  upstream_tls_error: DEPLOYMENT_BROKEN,

  // Until the provider's reset time: the cooldown length comes from retry-after.
  rate_limit_exceeded: policy(true, true, 'fallbacks', 'now'),
  upstream_overloaded: TRANSIENT,
  upstream_error: TRANSIENT,
  upstream_timeout: TRANSIENT,
  upstream_unreachable: TRANSIENT,
  upstream_invalid_response: TRANSIENT,
  upstream_stream_interrupted: TRANSIENT,
  // The model's output is random: once more may work, and it says nothing about the deployment's health.
  upstream_generation_failed: policy(true, true, 'fallbacks', 'never'),
};

export function failurePolicy(error: GatewayError): FailurePolicy {
  if (error.code === 'upstream_permission_denied' && /moderation|content policy|flagged/i.test(error.message)) {
    return policy(false, true, 'content_policy_fallbacks', 'never');
  }
  return POLICIES[error.code] ?? REQUEST_FAULT;
}
