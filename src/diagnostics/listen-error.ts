// Why `listen()` failed, as a catalog error that says who holds the port and
// what to run instead. Shared by start-up and `doctor`.

import { GatewayError } from '../errors/gateway-error.js';
import { nextFreePort } from './free-port.js';
import { describeOwner, findPortOwner, killCommand, portOwnerCommand } from './port-owner.js';

const PRIVILEGED_BELOW = 1024;

export async function listenError(err: NodeJS.ErrnoException, host: string, port: number, platform: NodeJS.Platform = process.platform): Promise<GatewayError> {
  const at = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return portInUseError(host, port, platform);
    case 'EACCES':
      return portForbiddenError(host, port, platform);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GatewayError('host_not_available', `--host ${host} is not an address of this machine (${err.code}); Switchyard cannot listen on ${at}.`, {
        details: { host, port, os_error: err.code },
        cause: err,
      });
    default:
      return new GatewayError('internal_error', `Could not listen on ${at}: ${err.code ?? err.message}.`, { details: { host, port }, cause: err });
  }
}

export async function portInUseError(host: string, port: number, platform: NodeJS.Platform = process.platform): Promise<GatewayError> {
  const [owner, free] = await Promise.all([findPortOwner(port), nextFreePort(host, port)]);
  const lines = [
    owner === undefined
      ? `Port ${port} (${host}) is already in use; find the process holding it with: ${portOwnerCommand(port, platform)}`
      : `Port ${port} (${host}) is already in use by ${describeOwner(owner)}.`,
  ];
  if (owner !== undefined) lines.push(`stop it (if it is an old Switchyard or LiteLLM): ${killCommand(owner.pid, platform)}`);
  lines.push(free === undefined ? 'or start on another port: --port <n>' : `or start on a free port: --port ${free}`);
  return new GatewayError('port_in_use', lines.join('\n'), {
    details: { host, port, os_error: 'EADDRINUSE', ...(owner === undefined ? {} : { pid: owner.pid, process: owner.name }), ...(free === undefined ? {} : { free_port: free }) },
  });
}

function portForbiddenError(host: string, port: number, platform: NodeJS.Platform): GatewayError {
  const lines = [`Not allowed to listen on ${host}:${port} (EACCES${platform === 'win32' ? ', WinError 10013' : ''}).`];
  if (platform === 'win32') {
    lines.push(`Port ${port} may lie in a range Windows reserves for Hyper-V/WSL/Docker; list them with: netsh interface ipv4 show excludedportrange protocol=tcp`);
  } else if (port < PRIVILEGED_BELOW) {
    lines.push(`Ports below ${PRIVILEGED_BELOW} need root (or CAP_NET_BIND_SERVICE); use --port 4000 or another port from ${PRIVILEGED_BELOW} up.`);
  }
  return new GatewayError('port_forbidden', lines.join('\n'), { details: { host, port, os_error: 'EACCES' } });
}
