// Reading text: YAML syntax errors, JSON input and JSON syntax errors, structure (schema) errors,
// all with exact positions.
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../../core/base/addr.ts';
import { formatDiagnostic, loadTopology } from '../../../core/topology/index.ts';
import { errorsOf, expectErrors, marked, resolved } from './helpers.ts';

describe('YAML syntax', () => {
  it('reports a syntax error with its position and builds nothing', () => {
    const { text, positions } = marked('version: 1\nvpcs:\n  lab: { cidr: 10.0.0.0/16\n«subnets: {}\n');
    const r = loadTopology(text);
    expect(r.ok).toBe(false);
    expect(r.document).toBeNull();
    expect(r.topology).toBeNull();
    const [first] = errorsOf(r);
    expect([first.code, first.line, first.column]).toEqual(['yaml-syntax', positions[0].line, positions[0].column]);
  });

  it('refuses tabs used for indentation', () => {
    const [e] = errorsOf(loadTopology('version: 1\nvpcs:\n\tlab: { cidr: 10.0.0.0/16 }\n'));
    expect([e.code, e.line, e.column, e.message]).toEqual(['yaml-syntax', 3, 1, 'Tabs are not allowed as indentation']);
  });

  it('refuses a second document in the file', () => {
    expectErrors('version: 1\n«---\nversion: 1\n', ['yaml-syntax']);
  });

  it('formats diagnostics as file:line:column for terminals', () => {
    const [e] = errorsOf(loadTopology('version: 1\nvpcs:\n  lab: { cidr: 10.0.0.0/33 }\n'));
    expect(formatDiagnostic(e, 'lab.yaml')).toBe('lab.yaml:3:16: error cidr-syntax: expected an IPv4 CIDR block such as 10.0.0.0/16, got "10.0.0.0/33"');
  });

  it('keeps comments, anchors and aliases working', () => {
    const t = resolved(`# a lab
version: 1
vpcs:
  lab: &v { cidr: 10.0.0.0/16 }   # the VPC
subnets:
  app: { cidr: 10.0.1.0/24 }
securityGroups:
  g: { inbound: &rules [{ protocol: tcp, ports: 80, cidr: 0.0.0.0/0 }] }
  h: { inbound: *rules }
instances: { a: }
`);
    expect(t.securityGroups.map((g) => [g.name, g.inbound.length])).toEqual([['lab/default', 1], ['g', 1], ['h', 1]]);
  });
});

describe('JSON', () => {
  const json = `{
  "version": 1,
  "vpcs": { "lab": { "cidr": "10.0.0.0/16" } },
  "subnets": { "app": { "cidr": "10.0.1.0/24" } },
  "instances": { "a": {}, "b": { "ip": "10.0.1.9" } }
}`;

  it('loads JSON documents, including tab-indented ones', () => {
    for (const text of [json, json.replace(/ {2}/g, '\t')]) {
      const r = loadTopology(text);
      expect(r.format).toBe('json');
      expect(r.ok).toBe(true);
      expect(r.topology!.instances.map((i) => formatIpv4(i.ip))).toEqual(['10.0.1.4', '10.0.1.9']);
    }
  });

  it('locates semantic errors in JSON', () => {
    expectErrors(`{"version": 1, "vpcs": {"lab": {"cidr": «"10.0.0.0/8"}}}`, ['vpc-cidr-size']);
  });

  const cases: [string, string, string][] = [
    ['missing comma', '{"version": 1 «"vpcs": {}}', 'expected "," or "}" after the property value, found """'],
    ['trailing comma', '{"version": 1, «}', 'trailing comma: JSON does not allow a comma before "}"'],
    ['trailing comma in list', '{"version": 1, "x": [1, «]}', 'trailing comma: JSON does not allow a comma before "]"'],
    ['unquoted key', '{«version: 1}', 'expected a property name in double quotes, found "v"'],
    ['single quotes', '{"version": «\'1\'}', 'strings in JSON use double quotes'],
    ['comment', '{"version": 1 «// one\n}', 'comments are not allowed in JSON (use YAML for comments)'],
    ['unclosed', '{"version": 1, "vpcs": {}«', 'unexpected end of input: "{" is not closed'],
    ['unterminated string', '{"version": «"1}', 'unterminated string'],
    ['bad escape', '{"name": "a«\\q"}', 'invalid escape "\\q" in string'],
    ['garbage after', '{"version": 1} «x', 'unexpected "x" after the end of the JSON value'],
    ['leading zero', '{"version": «01}', 'numbers in JSON cannot have leading zeros'],
    ['bad number', '{"version": «-x}', 'invalid number starting at "-"'],
  ];
  it.each(cases)('reports %s at the offending character', (_name, src, message) => {
    const { text, positions } = marked(src);
    const r = loadTopology(text);
    const errors = errorsOf(r);
    expect(errors.map((e) => [e.code, e.line, e.column, e.message])).toEqual([['json-syntax', positions[0].line, positions[0].column, message]]);
  });

  it('counts lines in JSON errors', () => {
    const { text, positions } = marked('{\n  "version": 1,\n  "vpcs": {\n    "a": {"cidr": "10.0.0.0/16"}\n    «"b": {}\n  }\n}');
    const [e] = errorsOf(loadTopology(text));
    expect([e.line, e.column]).toEqual([positions[0].line, positions[0].column]);
    expect(positions[0]).toEqual({ line: 5, column: 5 });
  });

  it('reads JSON-looking text as YAML when told the format is YAML', () => {
    const r = loadTopology('{ version: 1, vpcs: { lab: { cidr: 10.0.0.0/16 } } }', { format: 'yaml' });
    expect(r.ok).toBe(true);
    expect(r.format).toBe('yaml');
  });

  it('reports a duplicate key in JSON as a duplicate name', () => {
    expectErrors('{"version": 1, "vpcs": {"a": {"cidr": "10.0.0.0/16"}, «"a": {"cidr": "10.1.0.0/16"}}}', ['duplicate-name']);
  });
});

describe('structure', () => {
  it('reports wrong types, bad values, bad names and missing keys where they are', () => {
    const errors = expectErrors(`version: 1
name: «[not, a, string]
vpcs:
  «lab: { number: 3 }
  «bad/name: { cidr: 10.1.0.0/16 }
  «"42": { cidr: 10.2.0.0/16 }
subnets: «[a, b]
securityGroups:
  g: { vpc: lab, inbound: [{ protocol: «tcpp }, { protocol: tcp, ports: «-1 }, { protocol: udp, ports: «"1-2-3" }] }
instances:
  i: { ip: «10.0.1, sourceDestCheck: «"yes" }
routeTables:
  rt: { routes: [{ destination: 10.0.0.0/8, target: «igw }] }
`, ['wrong-type', 'missing-key', 'invalid-name', 'invalid-name', 'wrong-type', 'invalid-value', 'out-of-range', 'port-range',
      'ip-syntax', 'wrong-type', 'unknown-route-target']);
    expect(errors.map((e) => e.message)).toEqual([
      'expected a string, got a list',
      'missing required key "cidr"',
      '"bad/name" is not a valid name: expected a name: letters, digits, "_", "." or "-" (not digits only), at most 63 characters',
      '"42" is not a valid name: expected a name: letters, digits, "_", "." or "-" (not digits only), at most 63 characters',
      'expected a mapping of names to objects, got a list',
      'expected one of "tcp", "udp", "icmp", "all", got "tcpp"',
      'must be at least 0, got -1',
      'expected a port number or a range such as "8000-8080", got "1-2-3"',
      'expected an IPv4 address such as 10.0.1.10, got "10.0.1"',
      'expected true or false, got "yes"',
      'expected target to be one of: local, peering, got "igw"',
    ]);
  });

  it('suggests the key meant by a typo', () => {
    const [e] = expectErrors('version: 1\nvpcs:\n  lab: { cidr: 10.0.0.0/16 }\nsubnets:\n  s: { cidr: 10.0.1.0/24, «zonee: az1 }\n', ['unknown-key']);
    expect(e.message).toBe('unknown key "zonee" (did you mean "zone"?)');
    expect(e.path).toEqual(['subnets', 's', 'zonee']);
  });

  it('suggests top-level keys too', () => {
    const [e] = expectErrors('version: 1\n«instance: {}\n', ['unknown-key']);
    expect(e.message).toBe('unknown key "instance" (did you mean "instances"?)');
  });

  it('accepts empty collections and empty objects', () => {
    const t = resolved('version: 1\nzones:\nvpcs:\ninstances: {}\n');
    expect(t.zones.map((z) => z.name)).toEqual(['az1']);
    expect(t.instances).toEqual([]);
  });

  it('refuses a document that is not a mapping', () => {
    for (const text of ['', '- a\n- b\n', 'hello\n', '42\n']) {
      expect(errorsOf(loadTopology(text)).map((e) => [e.code, e.line, e.column])).toEqual([['not-a-mapping', 1, 1]]);
    }
  });

  it('refuses keys that are not strings', () => {
    expectErrors('version: 1\nvpcs:\n  «? [a, b]\n  : { cidr: 10.0.0.0/16 }\n', ['key-not-string']);
  });
});
