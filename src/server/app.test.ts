import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { builtinConfig } from '../config/default-config.js';
import { createLogger } from '../observability/logger.js';
import { createGateway } from './app.js';

test('draining: readiness answers 503 "draining" and responses close their connections', async () => {
  const { server, drain } = createGateway({ config: builtinConfig({ env: {} }), logger: createLogger('error', () => undefined), version: 'test' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal((await fetch(`${url}/health/readiness`)).status, 200);
    drain();
    const res = await fetch(`${url}/health/readiness`);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { status: string }).status, 'draining');
    assert.equal(res.headers.get('connection'), 'close');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
