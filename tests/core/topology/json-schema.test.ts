// The published JSON Schema: generated from the zod schema, committed, and in agreement with it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { topologyJsonSchema, topologyJsonSchemaText } from '../../../core/topology/index.ts';

const root = join(import.meta.dirname, '../../..');
const examples = join(root, 'resources/topologies');

describe('resources/schema/topology.schema.json', () => {
  it('is up to date (run `npm run gen:schema` after changing the schema)', () => {
    expect(readFileSync(join(root, 'resources/schema/topology.schema.json'), 'utf8')).toBe(topologyJsonSchemaText());
  });

  it('is a 2020-12 schema with an id, descriptions and the current version', () => {
    const s = topologyJsonSchema() as { $schema: string; $id: string; properties: Record<string, { const?: number; description?: string }>; required: string[] };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.$id).toBe('https://underlay.invalid/schema/topology.schema.json');
    expect(s.properties.version.const).toBe(1);
    expect(s.required).toEqual(['version']);
    expect(s.properties.instances.description).toBe('Instances (one ENI each).');
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(topologyJsonSchema());

  it.each(readdirSync(examples))('accepts the example %s', (file) => {
    const ok = validate(parse(readFileSync(join(examples, file), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('refuses what the zod schema refuses', () => {
    const bad = [
      { version: 2 },
      { version: 1, vpcs: { lab: { cidr: '10.0.0.0/33' } } },
      { version: 1, vpcs: { 'a/b': { cidr: '10.0.0.0/16' } } },
      { version: 1, vpcs: { lab: { cidr: '10.0.0.0/16', colour: 'red' } } },
      { version: 1, instances: { a: { ip: '10.0.1' } } },
      { version: 1, routeTables: { rt: { routes: [{ destination: '10.0.0.0/8', target: 'igw' }] } } },
      { version: 1, securityGroups: { g: { inbound: [{ protocol: 'tcp', ports: '1-2-3' }] } } },
      { version: 1, peerings: { p: { vpcs: ['a'] } } },
    ];
    expect(bad.map((d) => validate(d))).toEqual(bad.map(() => false));
  });
});
