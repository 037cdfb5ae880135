import type { GatewayError } from '../errors/gateway-error.js';
import type { Clock, Cooldown, Store } from '../state/store.js';
import type { Deployment } from './deployment.js';
import type { FailurePolicy } from './failure-policy.js';

export interface CooldownSettings {
  /** Failures tolerated within a minute before a deployment is taken out (`allowed_fails`, LiteLLM's default 3). */
  allowedFails: number;
  /** How long it stays out (`cooldown_time`, LiteLLM's default 5 s). */
  cooldownMs: number;
  /** `disable_cooldowns: true`: never take a deployment out. */
  disabled: boolean;
}

const FAILURE_WINDOW_MS = 60_000;
/** A rejected key or a missing model does not heal in seconds; retrying it every 5 s only adds latency. */
const BROKEN_DEPLOYMENT_MIN_MS = 60_000;

/** Takes failing deployments out of rotation and answers which are out, why, and until when. */
export class Cooldowns {
  /**
   * The ids of a deployment list, per list: a group's list is the same array
   * on every request, and with 1,000 deployments mapping it was a 1,000-entry
   * copy per request. (A deployment's id never changes.)
   */
  private readonly idLists = new WeakMap<readonly Deployment[], string[]>();

  constructor(
    private readonly store: Store,
    private readonly settings: CooldownSettings,
    private readonly clock: Clock,
  ) {}

  /** Records a failure; true when it took the deployment out of rotation. */
  async onFailure(deployment: Deployment, error: GatewayError, policy: FailurePolicy): Promise<boolean> {
    if (policy.cooldown === 'never' || this.settings.disabled) return false;
    const providerWaitMs = error.details.retryAfter === undefined ? undefined : error.details.retryAfter * 1000;
    let durationMs: number;
    if (policy.cooldown === 'now') {
      // A 429 lasts exactly until the provider's reset; a broken key or model for longer.
      durationMs = error.code === 'rate_limit_exceeded'
        ? providerWaitMs ?? this.settings.cooldownMs
        : Math.max(this.settings.cooldownMs, BROKEN_DEPLOYMENT_MIN_MS);
    } else {
      const failures = await this.store.recordFailure(deployment.id, FAILURE_WINDOW_MS);
      if (failures <= this.settings.allowedFails) return false;
      durationMs = Math.max(this.settings.cooldownMs, providerWaitMs ?? 0);
    }
    await this.store.setCooldown(deployment.id, { until: this.clock() + durationMs, reason: error.code, message: firstSentence(error.message) });
    return true;
  }

  active(deployments: readonly Deployment[]): Promise<ReadonlyMap<string, Cooldown>> {
    let ids = this.idLists.get(deployments);
    if (ids === undefined) this.idLists.set(deployments, (ids = deployments.map((d) => d.id)));
    return this.store.cooldowns(ids);
  }
}

function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return (end === -1 ? message : message.slice(0, end + 1)).slice(0, 200);
}
