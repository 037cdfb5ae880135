// Flowchart "Connection Refused → Check Port Binding", the address half: who
// can reach the address Switchyard binds, and whether that is safe.

import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { CATALOG } from '../../errors/catalog.js';
import { configOf, type Check, type CheckResult } from '../types.js';

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);

export const hostCheck: Check = {
  id: 'host',
  async run(context) {
    const { host } = context.options;
    if (ALL_INTERFACES.has(host)) return [allInterfaces(host, configOf(context)?.generalSettings.masterKey !== undefined)];

    let addresses: string[];
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch (err) {
      return [notHere(host, (err as NodeJS.ErrnoException).code ?? 'ENOTFOUND')];
    }
    if (addresses.every(isLoopback)) {
      return [{
        id: 'host', status: 'pass',
        message: `--host ${host}: only this machine can connect; Docker containers, WSL2 and other machines cannot (for them: --host 0.0.0.0 with a master_key)`,
      }];
    }
    const local = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)));
    if (!addresses.some((a) => local.has(a))) return [notHere(host, 'EADDRNOTAVAIL')];
    return [{ id: 'host', status: 'pass', message: `--host ${host}: reachable by clients that can route to ${addresses.join(', ')}` }];
  },
};

function allInterfaces(host: string, hasMasterKey: boolean): CheckResult {
  const shown = host === '' ? '(all)' : host;
  if (hasMasterKey) return { id: 'host', status: 'pass', message: `--host ${shown}: every interface, protected by the master_key` };
  // Every machine on the network could spend the provider keys: a security problem, not a style issue.
  return {
    id: 'host', status: 'fail', code: 'host_exposed_without_key',
    message: `--host ${shown} listens on every interface without a master_key: anyone on the network can use your provider keys`,
    fix: CATALOG.host_exposed_without_key.fix,
  };
}

function notHere(host: string, reason: string): CheckResult {
  return { id: 'host', status: 'fail', code: 'host_not_available', message: `--host ${host} is not an address of this machine (${reason})`, fix: CATALOG.host_not_available.fix };
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';
}
