// Reports keys the schema does not know (probably typos) and keys LiteLLM knows
// but Switchyard ignores, so nothing in the file is dropped without a word.
// Validation strips both; this pass walks the data beside the schema to name them.

import * as z from 'zod';
import type { Diagnostics } from './diagnostics.js';
import { formatPath, type PathSegment, type SourceMap } from './positions.js';
import { isCompat } from './schema.js';
import { closestMatch } from '../util/suggest.js';

export interface UnknownKey {
  path: PathSegment[];
  suggestion: string | undefined;
}

/** Returns the unknown keys found, so validation errors can point at a likely misspelling. */
export function checkKeys(schema: z.ZodType, data: unknown, source: SourceMap, diagnostics: Diagnostics): UnknownKey[] {
  const unknown: UnknownKey[] = [];

  const walk = (schemaAt: z.ZodType, value: unknown, path: PathSegment[]): void => {
    const inner = unwrap(schemaAt);
    if (inner instanceof z.ZodObject && isPlainObject(value)) {
      const shape = inner.shape as Record<string, z.ZodType>;
      // A catchall (z.looseObject) means any key is welcome there.
      const open = inner.def.catchall !== undefined;
      for (const [key, child] of Object.entries(value)) {
        const keyPath = [...path, key];
        const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (field === undefined) {
          if (open) continue;
          const suggestion = closestMatch(key, Object.keys(shape));
          unknown.push({ path: keyPath, suggestion });
          const hint = suggestion === undefined ? '; it is ignored' : ` — did you mean "${suggestion}"?`;
          diagnostics.warn('unknown_key', source.keyAt(keyPath), `unknown key "${key}" ${where(path)}${hint}`);
        } else if (isCompat(field)) {
          diagnostics.warn('unsupported_key', source.keyAt(keyPath), `"${key}" ${where(path)} is accepted for compatibility, has no effect in Switchyard`);
        } else {
          walk(field, child, keyPath);
        }
      }
    } else if (inner instanceof z.ZodArray && Array.isArray(value)) {
      value.forEach((item, index) => walk(inner.element as z.ZodType, item, [...path, index]));
    } else if (inner instanceof z.ZodRecord && isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) walk(inner.valueType as z.ZodType, child, [...path, key]);
    }
  };

  walk(schema, data, []);
  return unknown;
}

/** Sees through the wrappers schema.ts uses (optional, nullable, preprocess, transform). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = (current.out instanceof z.ZodTransform ? current.in : current.out) as z.ZodType;
    else return current;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function where(path: readonly PathSegment[]): string {
  return path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
}
