// Turning measurements into the figures table, and putting it in README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a'),
  ratio: (n) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a'),
  added: (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(3)} ms` : 'n/a'),
  mb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a'),
};

/** "median (min–max)" of per-round ratios. */
export function spread(values, format = fmt.ratio) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 'n/a';
  const med = sorted[Math.floor((sorted.length - 1) / 2)] / 2 + sorted[Math.ceil((sorted.length - 1) / 2)] / 2;
  return sorted.length === 1 ? format(med) : `${format(med)} (${format(sorted[0])}–${format(sorted.at(-1))})`;
}

export function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2;
}

export function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch { /* not Linux */ }
  return { node: process.version, cpuModel, cores: cpus().length, kernel: release() };
}

export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `file`. */
export function replaceSection(file, name, content) {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1 || b < a) throw new Error(`${file} has no ${start} … ${end} section`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${content.trim()}\n${text.slice(b)}`);
}
