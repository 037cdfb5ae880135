import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenError } from './listen-error.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

test('EACCES: privileged ports on POSIX, excluded port ranges on Windows', async () => {
  const posix = await listenError(errno('EACCES'), '127.0.0.1', 80, 'linux');
  assert.equal(posix.code, 'port_forbidden');
  assert.match(posix.message, /below 1024/);
  const windows = await listenError(errno('EACCES'), '127.0.0.1', 50000, 'win32');
  assert.equal(windows.code, 'port_forbidden');
  assert.match(windows.message, /WinError 10013/);
  assert.match(windows.message, /netsh interface ipv4 show excludedportrange protocol=tcp/);
});

test('EADDRNOTAVAIL is host_not_available', async () => {
  const error = await listenError(errno('EADDRNOTAVAIL'), '10.255.255.1', 4000, 'linux');
  assert.equal(error.code, 'host_not_available');
  assert.match(error.message, /10\.255\.255\.1/);
});
