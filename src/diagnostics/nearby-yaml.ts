// For config_not_found: the YAML files the user may have meant, from the
// folder Switchyard was started in and the folder of the path tried.

import { readdirSync } from 'node:fs';
import path from 'node:path';

const MAX_FILES = 5;

export interface NearbyYaml {
  dir: string;
  /** Undefined when the folder itself does not exist or cannot be read. */
  files: string[] | undefined;
  /** More YAML files than listed. */
  more: number;
}

export function nearbyYamlFiles(dirs: readonly string[]): NearbyYaml[] {
  const unique = [...new Set(dirs.map((dir) => path.resolve(dir)))];
  return unique.map((dir) => {
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch {
      return { dir, files: undefined, more: 0 };
    }
    return { dir, files: names.slice(0, MAX_FILES), more: Math.max(0, names.length - MAX_FILES) };
  });
}

/** "YAML files in /dir: a.yaml, b.yml (and 3 more)" per folder. */
export function describeNearbyYaml(found: readonly NearbyYaml[]): string[] {
  return found.map(({ dir, files, more }) => {
    if (files === undefined) return `folder ${dir} does not exist`;
    if (files.length === 0) return `no .yaml/.yml files in ${dir}`;
    return `YAML files in ${dir}: ${files.join(', ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  });
}
