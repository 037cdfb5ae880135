// Text → YAML document, with LiteLLM's reading of YAML rather than the YAML 1.2
// default: LiteLLM loads configs with PyYAML, which speaks YAML 1.1.

import { isMap, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { GatewayError } from '../errors/gateway-error.js';
import type { Diagnostics } from './diagnostics.js';
import { formatPosition, keyName, SourceMap } from './positions.js';

export interface ParsedYaml {
  doc: Document.Parsed;
  source: SourceMap;
}

export function parseYaml(text: string, file: string, diagnostics: Diagnostics): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    // YAML 1.1 as PyYAML reads it: `yes`/`no` are booleans and `<<` merge keys work.
    version: '1.1',
    // PyYAML keeps the last of two equal keys; refusing the file would break configs LiteLLM
    // accepts, so duplicates are reported as warnings below instead.
    uniqueKeys: false,
    // Pretty errors quote the offending line, which may hold an inline api_key.
    prettyErrors: false,
  });
  const source = new SourceMap(doc, lines, file);

  const [first] = doc.errors;
  if (first) {
    const position = source.atOffset(first.pos[0]);
    throw new GatewayError('config_invalid_yaml', `${formatPosition(file, position)}: ${first.message}`, {
      details: { file, line: position.line, column: position.column },
    });
  }
  for (const warning of doc.warnings) diagnostics.warn('yaml_warning', source.atOffset(warning.pos[0]), warning.message);

  if (doc.contents === null) {
    throw new GatewayError('config_invalid', `${file}: the file is empty; it needs at least a model_list`, { details: { file } });
  }
  if (!isMap(doc.contents)) {
    throw new GatewayError('config_invalid', `${formatPosition(file, source.ofNode(doc.contents))}: the top level must be a mapping of sections (model_list:, litellm_settings:, …)`, {
      details: { file },
    });
  }

  warnDuplicateKeys(doc, source, diagnostics);
  return { doc, source };
}

function warnDuplicateKeys(doc: Document, source: SourceMap, diagnostics: Diagnostics): void {
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, unknown>();
      for (const pair of map.items) {
        const name = keyName(pair.key);
        if (name === '<<') continue;
        const earlier = seen.get(name);
        if (earlier !== undefined) {
          const first = source.ofNode(earlier);
          const where = first ? ` (first at line ${first.line})` : '';
          diagnostics.warn('duplicate_key', source.ofNode(pair.key), `key "${name}" appears twice in the same mapping${where}; the last one wins, as in LiteLLM`);
        }
        seen.set(name, earlier ?? pair.key);
      }
    },
  });
}
