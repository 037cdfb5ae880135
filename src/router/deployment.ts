import type { DeploymentConfig } from '../config/types.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { ProviderAdapter } from '../providers/types.js';

/** A deployment ready to call: its config plus the adapter built for it at start-up. */
export interface Deployment {
  id: string;
  /** The alias (model group) it serves. */
  alias: string;
  provider: string;
  /** Model id sent upstream, wildcards substituted. */
  upstreamModel: string;
  config: DeploymentConfig;
  /** Tokens the model accepts, when known (model_info.max_input_tokens or the built-in table). */
  contextWindow: number | undefined;
  /** Either the adapter, or why this deployment cannot be called (raised when it is chosen). */
  adapter: ProviderAdapter | GatewayError;
}

/** All deployments that answer one alias. */
export interface ModelGroup {
  alias: string;
  deployments: Deployment[];
}
