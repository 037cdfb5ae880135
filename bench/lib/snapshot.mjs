// A commit of Switchyard built alone, from `git archive`, in a scratch
// directory (deleted when the process exits): figures that do not depend on
// what the work tree holds at the moment.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './processes.mjs';

export function git(args) {
  const r = spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/** Builds `ref` in a scratch directory as `npm run build` would; returns `{ root, rev }` (cliEntry(root) is its command). */
export function buildSnapshot(ref, log = (s) => process.stderr.write(`${s}\n`)) {
  const sha = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  if (!sha) throw new Error(`${ref}: not a commit`);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ref-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  log(`building Switchyard ${sha.slice(0, 7)} in ${dir}`);
  run('sh', ['-c', `git archive ${sha} package.json tsconfig.json tsconfig.build.json src scripts | tar -x -C '${dir}'`], { cwd: REPO });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  run(join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir });
  // Commits before the one-file command (scripts/bundle.mjs) ran dist/cli/main.js.
  if (existsSync(join(dir, 'scripts/bundle.mjs'))) run(process.execPath, ['scripts/bundle.mjs'], { cwd: dir });
  return { root: dir, rev: sha.slice(0, 7) };
}
