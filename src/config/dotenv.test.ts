import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadDotEnv } from './dotenv.js';

function dirWithDotEnv(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-dotenv-'));
  fs.writeFileSync(path.join(dir, '.env'), text);
  return dir;
}

test('parses the usual .env forms', () => {
  const dir = dirWithDotEnv([
    '# a comment',
    '',
    'PLAIN=value',
    'export EXPORTED=yes',
    'SPACED =  padded value  ',
    "SINGLE='keep \\n as is' # comment",
    'DOUBLE="line1\\nline2 \\"quoted\\""',
    'INLINE=abc # trailing comment',
    'HASH=pa#ss',
    'EMPTY=',
    'not a variable line',
    'WINDOWS=crlf\r',
  ].join('\n'));
  const env: NodeJS.ProcessEnv = {};
  const set = loadDotEnv(dir, env);
  assert.deepEqual(env, {
    PLAIN: 'value',
    EXPORTED: 'yes',
    SPACED: 'padded value',
    SINGLE: 'keep \\n as is',
    DOUBLE: 'line1\nline2 "quoted"',
    INLINE: 'abc',
    HASH: 'pa#ss',
    EMPTY: '',
    WINDOWS: 'crlf',
  });
  assert.deepEqual(set.sort(), Object.keys(env).sort());
});

test('the real environment wins over .env', () => {
  const dir = dirWithDotEnv('GROQ_API_KEY=from-file\nOTHER=from-file\n');
  const env: NodeJS.ProcessEnv = { GROQ_API_KEY: 'from-env' };
  assert.deepEqual(loadDotEnv(dir, env), ['OTHER']);
  assert.equal(env.GROQ_API_KEY, 'from-env');
  assert.equal(env.OTHER, 'from-file');
});

test('an empty variable in the environment still counts as set', () => {
  const dir = dirWithDotEnv('A=from-file\n');
  const env: NodeJS.ProcessEnv = { A: '' };
  assert.deepEqual(loadDotEnv(dir, env), []);
  assert.equal(env.A, '');
});

test('the last assignment in the file wins', () => {
  const env: NodeJS.ProcessEnv = {};
  loadDotEnv(dirWithDotEnv('A=1\nA=2\n'), env);
  assert.equal(env.A, '2');
});

test('no .env file: nothing set', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-dotenv-'));
  const env: NodeJS.ProcessEnv = {};
  assert.deepEqual(loadDotEnv(dir, env), []);
  assert.deepEqual(env, {});
});
