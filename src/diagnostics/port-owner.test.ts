import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describeOwner, findPortOwner, killCommand, listeningInodes, portOwnerCommand } from './port-owner.js';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0FA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0FA0 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 999999 1 0000000000000000 20 4 30 10 -1
   2: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0`;

test('listening sockets are read from /proc/net/tcp by port (hex) and state 0A only', () => {
  assert.deepEqual(listeningInodes(TABLE, 4000), ['123456']);
  assert.deepEqual(listeningInodes(TABLE, 6379), ['777']);
  assert.deepEqual(listeningInodes(TABLE, 1234), []);
});

test('commands per OS', () => {
  assert.equal(portOwnerCommand(4000, 'win32'), 'netstat -ano | findstr :4000');
  assert.match(portOwnerCommand(4000, 'darwin'), /lsof .*4000/);
  assert.equal(killCommand(12, 'win32'), 'taskkill /PID 12 /F');
  assert.equal(killCommand(12, 'linux'), 'kill 12');
  assert.equal(describeOwner({ pid: 5, name: 'node' }), 'PID 5 (node)');
});

test('on Linux, the PID and name of the process holding a port are found', { skip: process.platform !== 'linux' }, async () => {
  const holder = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => holder.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const owner = await findPortOwner(port);
    assert.equal(owner?.pid, holder.pid);
    assert.equal(owner?.name, 'node');
  } finally {
    holder.kill();
  }
});
