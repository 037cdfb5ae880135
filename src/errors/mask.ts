// The only way a secret may appear in output: its recognisable prefix and last
// four characters, enough to tell two keys apart, never enough to use one.

const KNOWN_PREFIX = /^(gsk_|sk-ant-|sk-or-v1-|sk-or-|sk-proj-|sk-|xai-|pplx-)/;

export function maskSecret(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.length === 0) return '(empty)';
  if (trimmed.length < 12) return '…' + (trimmed.length > 6 ? trimmed.slice(-2) : '');
  const prefix = KNOWN_PREFIX.exec(trimmed)?.[0] ?? '';
  return `${prefix}…${trimmed.slice(-4)}`;
}
