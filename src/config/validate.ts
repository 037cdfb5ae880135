// Runs the schema and turns zod's issues into messages written for someone
// editing YAML ("must be a number, got a string"), at the issue's line.

import type * as z from 'zod';
import type { Diagnostics } from './diagnostics.js';
import type { UnknownKey } from './known-keys.js';
import { formatPath, type PathSegment, type SourceMap } from './positions.js';
import { referenceAt, type EnvReference } from './resolve-env.js';
import { configSchema, type ParsedConfig } from './schema.js';
import { closestMatch } from '../util/suggest.js';

/**
 * Returns the parsed config, or throws `config_invalid` listing the schema's
 * issues together with any error recorded in `diagnostics` before.
 */
export function validateConfig(
  data: unknown,
  context: { source: SourceMap; diagnostics: Diagnostics; references: readonly EnvReference[]; unknownKeys: readonly UnknownKey[] },
): ParsedConfig {
  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) {
    context.diagnostics.throwIfInvalid();
    return result.data;
  }

  for (const issue of result.error.issues) {
    const path = issue.path.map((segment): PathSegment => (typeof segment === 'number' ? segment : String(segment)));
    // A value that is wrong because its variable is unset or empty: say so, at the reference.
    const reference = referenceAt(context.references, path);
    if (reference !== undefined && reference.state !== 'set') {
      const state = reference.state === 'unset' ? 'is not set' : 'is empty';
      context.diagnostics.error(path, `environment variable ${reference.name} ${state} (os.environ/${reference.name})`, reference.position);
      continue;
    }
    context.diagnostics.error(path, describeIssue(issue) + misspellingHint(path, issue, context), context.source.at(path));
  }
  return context.diagnostics.fail();
}

// Values are never quoted back (they may come from a secret), except enum values,
// where seeing what was written is the point.
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int') return 'must be a whole number';
      const got = describeValue(issue.input);
      const quoteHint = issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean') ? ' (put it in quotes)' : '';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${got}${quoteHint}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be greater than ${issue.minimum}`;
    case 'too_big':
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
    case 'invalid_value': {
      const valid = issue.values.map((value) => String(value));
      const suggestion = typeof issue.input === 'string' ? closestMatch(issue.input, valid) : undefined;
      const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
      return `${JSON.stringify(issue.input)} is not one of ${valid.join(', ')}${hint}`;
    }
    default:
      return issue.message;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date (put it in quotes)';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** For "is required": a sibling key close to the missing one is probably it, misspelt. */
function misspellingHint(path: readonly PathSegment[], issue: z.core.$ZodIssue, context: { source: SourceMap; unknownKeys: readonly UnknownKey[] }): string {
  if (issue.code !== 'invalid_type' || issue.input !== undefined) return '';
  const missing = path.at(-1);
  const parent = formatPath(path.slice(0, -1));
  const found = context.unknownKeys.find((key) => key.suggestion === missing && formatPath(key.path.slice(0, -1)) === parent);
  if (found === undefined) return '';
  const position = context.source.keyAt(found.path);
  const at = position ? ` at line ${position.line}` : '';
  return ` (found "${String(found.path.at(-1))}"${at}; a misspelling?)`;
}
