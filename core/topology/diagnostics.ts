/**
 * Everything wrong with a document is a diagnostic: a stable code (tests, lab checks and the
 * editor key on it), a message for people, the path of the offending node in the document and,
 * once a source is attached, its 1-based line and column. Syntax, schema and semantic problems
 * share this one shape so the editors show them the same way.
 */
export const DIAGNOSTIC_CODES = [
  // reading the text
  'yaml-syntax', 'json-syntax', 'duplicate-name', 'too-complex', 'too-large', 'not-a-mapping', 'key-not-string',
  // versions
  'version-missing', 'version-invalid', 'version-too-new', 'migration-failed',
  // structure (the schema)
  'wrong-type', 'missing-key', 'unknown-key', 'invalid-value', 'invalid-name', 'cidr-syntax', 'ip-syntax',
  'out-of-range', 'unknown-route-target',
  // meaning
  'cidr-host-bits', 'vpc-cidr-size', 'subnet-cidr-size', 'subnet-outside-vpc', 'subnet-overlap',
  'reserved-address', 'address-outside-subnet', 'duplicate-address', 'subnet-full',
  'unknown-reference', 'ambiguous-reference', 'wrong-vpc', 'reserved-name', 'duplicate-list-item',
  'duplicate-vpc-number', 'nacl-rule-range', 'duplicate-nacl-rule', 'duplicate-association',
  'duplicate-main-route-table', 'duplicate-route', 'local-route-mismatch', 'peering-not-attached',
  'peering-self', 'peering-overlap', 'duplicate-peering', 'host-capacity', 'host-zone-mismatch',
  'substrate-limit', 'port-range', 'rule-fields',
  // warnings
  'peering-unrouted',
  // a bug in Underlay, never the user's fault; reported rather than thrown
  'internal-error',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
export type Severity = 'error' | 'warning';
export type PathSegment = string | number;
export type DocPath = readonly PathSegment[];

/** A problem located by document path only: what the resolver and schema checks produce. */
export interface PathDiagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly path: DocPath;
  /** Point at the map key of `path` instead of its value (unknown keys, duplicate names). */
  readonly atKey?: boolean;
}

/** A diagnostic placed in the source text. Lines and columns are 1-based; end is exclusive. */
export interface TopologyDiagnostic extends PathDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Character offsets into the source, for editors that work in offsets (Monaco, CodeMirror). */
  readonly offset: number;
  readonly endOffset: number;
}

/** `vpcs.prod.cidr`, `securityGroups.web.inbound[0].ports`: how paths read in messages and the CLI. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `file:line:column: error code: message`, the format compilers use, so terminals link to it. */
export function formatDiagnostic(d: TopologyDiagnostic, file = '<topology>'): string {
  return `${file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

/** Collects diagnostics; resolver steps report into one of these and keep going. */
export class Reporter {
  readonly items: PathDiagnostic[] = [];

  error(code: DiagnosticCode, path: DocPath, message: string, atKey = false): void {
    this.items.push(atKey ? { code, severity: 'error', message, path, atKey } : { code, severity: 'error', message, path });
  }

  warn(code: DiagnosticCode, path: DocPath, message: string, atKey = false): void {
    this.items.push(atKey ? { code, severity: 'warning', message, path, atKey } : { code, severity: 'warning', message, path });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
