// Runs the error reference's flowchart in its order. The local checks run one
// after another (they are fast and later ones read earlier state); the two
// network checks run together under one deadline.

import type { Check, CheckResult, DoctorContext } from './types.js';
import { configCheck } from './checks/config.js';
import { envVarsCheck } from './checks/env-vars.js';
import { portCheck } from './checks/port.js';
import { hostCheck } from './checks/host.js';
import { redisCheck } from './checks/redis.js';
import { endpointsCheck } from './checks/endpoints.js';
import { modelsCheck } from './checks/models.js';

export const LOCAL_CHECKS: readonly Check[] = [configCheck, envVarsCheck, portCheck, hostCheck, redisCheck];
export const NETWORK_CHECKS: readonly Check[] = [endpointsCheck, modelsCheck];

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/** Checks 6–7 (provider endpoints and models) must finish within this, counted from when they start. */
export const NETWORK_DEADLINE_MS = 10_000;

/** `onResults` gets each check's results in flowchart order, as soon as they are known. */
export async function runDoctor(
  context: DoctorContext,
  onResults: (results: CheckResult[]) => void = () => {},
  networkDeadlineMs = NETWORK_DEADLINE_MS,
): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const add = (results: CheckResult[]): void => {
    checks.push(...results);
    onResults(results);
  };
  for (const check of LOCAL_CHECKS) add(await runOne(check, context));
  const deadline = { ...context, signal: AbortSignal.any([context.signal, AbortSignal.timeout(networkDeadlineMs)]) };
  const network = await Promise.all(NETWORK_CHECKS.map((check) => runOne(check, deadline)));
  for (const results of network) add(results);
  return { ok: checks.every((result) => result.status !== 'fail'), checks };
}

/** A check that throws is a doctor bug: reported as its own failed line, the other checks still run. */
async function runOne(check: Check, context: DoctorContext): Promise<CheckResult[]> {
  try {
    return await check.run(context);
  } catch (err) {
    return [{ id: check.id, status: 'fail', code: 'internal_error', message: `the ${check.id} check failed: ${(err as Error)?.message ?? String(err)}`, fix: 'Report this with the output of --detailed_debug' }];
  }
}
