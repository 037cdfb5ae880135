// The faults a test can ask for, and how they are spelled.
//
// One vocabulary serves both controls: `mock.fail('rate_limit_tpm')` and the
// in-band marker `[[mock:rate_limit_tpm]]` in the last user message (the marker
// lets one server serve concurrent tests without a shared queue).
// A number after a colon tunes the faults that have a knob:
//   slow_headers:<ms>            wait before headers (default 1000)
//   stream_cut:<n>               content chunks sent before the cut (default 2)
//   rate_limit_rpm|tpm|tpd:<s>   the wait the provider announces, in seconds
//   over_capacity:<s>            anthropic: the retry-after its 529 carries (none by default)
//   insufficient_quota:402       anthropic: the documented 402 billing_error instead of the observed 400

/** Faults that answer with the provider's own error (status + body + headers from its tables). */
const ERROR_FAULT_NAMES = [
  'invalid_api_key',
  'model_not_found',
  'model_decommissioned',
  'permission_denied',
  'rate_limit_rpm',
  'rate_limit_tpm',
  'rate_limit_tpd',
  'request_too_large',
  'insufficient_quota',
  'context_length_exceeded',
  'tool_use_failed',
  'json_validate_failed',
  'over_capacity',
  'flex_capacity',
  'server_error',
] as const;

export const FAULT_NAMES = [
  ...ERROR_FAULT_NAMES,
  // Infrastructure: what sits between the gateway and the provider.
  'bad_gateway_html',
  'connection_reset',
  'slow_headers',
  'hang',
  // Damage to an otherwise successful answer.
  'malformed_json',
  'stream_cut',
  'stream_error',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** A fault, optionally tuned: `'slow_headers:1500'`. */
export type Fault = FaultName | `${FaultName}:${number}`;

export type ErrorFault = (typeof ERROR_FAULT_NAMES)[number];

const ERROR_FAULTS: ReadonlySet<FaultName> = new Set<FaultName>(ERROR_FAULT_NAMES);

export function isErrorFault(name: FaultName): name is ErrorFault {
  return ERROR_FAULTS.has(name);
}

export interface ParsedFault {
  name: FaultName;
  /** The number after the colon, when given. */
  param: number | undefined;
}

const NAMES: ReadonlySet<string> = new Set(FAULT_NAMES);

/** Parses `name` or `name:number`; throws on a typo so a test never silently gets a normal answer. */
export function parseFault(spec: string): ParsedFault {
  const match = /^([a-z_]+)(?::(\d+(?:\.\d+)?))?$/.exec(spec.trim());
  if (!match || !NAMES.has(match[1]!)) {
    throw new Error(`mock upstream: unknown fault '${spec}'. Known: ${FAULT_NAMES.join(', ')}`);
  }
  return { name: match[1] as FaultName, param: match[2] === undefined ? undefined : Number(match[2]) };
}

/** Matches the in-band control marker; global so every marker can be stripped from echoed text. */
export const MARKER_RE = /\[\[mock:([^\]]*)\]\]/g;

/** The first marker in `text`, unparsed (the server turns a bad one into a loud 400). */
export function findMarker(text: string): string | undefined {
  const match = new RegExp(MARKER_RE.source).exec(text);
  return match ? match[1] : undefined;
}

export function stripMarkers(text: string): string {
  return text.replace(MARKER_RE, '').trim();
}
