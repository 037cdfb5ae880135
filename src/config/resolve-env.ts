// `os.environ/NAME` references and the `environment_variables:` section, with
// LiteLLM's meaning: a reference is a whole string value, never a substring.

import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Diagnostics } from './diagnostics.js';
import { formatPath, keyName, type PathSegment, type SourceMap } from './positions.js';
import type { SourcePosition } from './types.js';

const PREFIX = 'os.environ/';

export interface EnvReference {
  path: PathSegment[];
  name: string;
  /** `empty`: set to the empty string, which counts as set except for keys. */
  state: 'set' | 'empty' | 'unset';
  position: SourcePosition | undefined;
}

/** The variable a config value refers to, if it is an `os.environ/NAME` reference. */
export function envReferenceName(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(PREFIX) ? value.slice(PREFIX.length) : undefined;
}

/**
 * Copies `environment_variables:` into `env`. As in LiteLLM (which reads the
 * variable first and uses the file's value only as a default), a variable
 * already set in the environment keeps its value. Runs before any reference is
 * resolved, so the rest of the file can use these variables.
 */
export function applyEnvironmentVariables(doc: Document, source: SourceMap, env: NodeJS.ProcessEnv, diagnostics: Diagnostics): void {
  const section = doc.get('environment_variables', true);
  if (!isMap(section)) return; // anything else is reported by validation
  for (const pair of section.items) {
    const name = keyName(pair.key);
    const node = pair.value;
    // Non-scalar values are left to validation to report.
    if (!isScalar(node) || !['string', 'number', 'boolean'].includes(typeof node.value)) continue;
    let value = String(node.value);
    const referenced = envReferenceName(value);
    if (referenced !== undefined) {
      const resolved = env[referenced];
      if (resolved === undefined) {
        diagnostics.warn('env_var_not_set', source.ofNode(node), `environment_variables.${name}: ${referenced} is not set, so ${name} is left unset`);
        continue;
      }
      value = resolved;
    }
    if (env[name] === undefined) {
      env[name] = value;
    } else if (env[name] !== value) {
      diagnostics.warn('environment_variable_ignored', source.ofNode(pair.key), `environment_variables.${name} is ignored: ${name} is already set in the environment, which wins (as in LiteLLM)`);
    }
  }
}

/**
 * Replaces every `os.environ/NAME` string value (outside `environment_variables:`)
 * with the variable's value, in place. An unset variable leaves the value absent:
 * null in a mapping, removed from a list. Returns every reference so callers can
 * decide what absent means for each key; nothing is reported here.
 */
export function resolveEnvReferences(doc: Document, source: SourceMap, env: NodeJS.ProcessEnv): EnvReference[] {
  const references: EnvReference[] = [];

  /** Returns false when `node` should be dropped from the list holding it. */
  const resolve = (node: unknown, path: PathSegment[]): boolean => {
    if (isScalar(node)) {
      const name = envReferenceName(node.value);
      if (name === undefined) return true;
      const value = env[name];
      references.push({ path, name, state: value === undefined ? 'unset' : value === '' ? 'empty' : 'set', position: source.ofNode(node) });
      node.value = value ?? null;
      return value !== undefined;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyName(pair.key);
        if (path.length === 0 && key === 'environment_variables') continue;
        resolve(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      // Walk a copy: removing an item shifts the ones after it down by one.
      let index = 0;
      for (const item of [...node.items]) {
        if (resolve(item, [...path, index])) index++;
        else node.items.splice(index, 1);
      }
    }
    return true;
  };

  resolve(doc.contents, []);
  return references;
}

/**
 * Each reference list indexed by path, built on the first lookup: validation
 * and building look up a path per deployment, and a scan per lookup made
 * loading a 1,000-deployment config quadratic (≈0.2 s of its start-up).
 */
const byPath = new WeakMap<readonly EnvReference[], { size: number; index: Map<string, EnvReference> }>();

/** Looks up the reference recorded for `path`, if the value there came from one. */
export function referenceAt(references: readonly EnvReference[], path: readonly PathSegment[]): EnvReference | undefined {
  let cached = byPath.get(references);
  if (cached === undefined || cached.size !== references.length) {
    const index = new Map<string, EnvReference>();
    for (const reference of references) {
      const key = formatPath(reference.path);
      if (!index.has(key)) index.set(key, reference); // the first one, as a scan would find it
    }
    cached = { size: references.length, index };
    byPath.set(references, cached);
  }
  return cached.index.get(formatPath(path));
}
