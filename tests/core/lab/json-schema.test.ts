// The published lab JSON Schema: generated from the zod schema, committed, and in agreement with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { labJsonSchema, labJsonSchemaText, labSchema } from '../../../core/lab/index.ts';

const root = join(import.meta.dirname, '../../..');

const minimal = {
  version: 1, id: 'demo', title: 'Demo', level: 'beginner', minutes: 5, objectives: ['see it'], topology: 'topology.yaml',
  steps: [{ title: 'Go', file: 'steps/01.md' }],
  checks: [{ id: 'c', title: 'A frame', capture: { at: 'web:eni', filter: 'icmp' } }],
};

describe('resources/schema/lab.schema.json', () => {
  it('is up to date (run `npm run gen:schema` after changing core/lab/schema.ts)', () => {
    expect(readFileSync(join(root, 'resources/schema/lab.schema.json'), 'utf8')).toBe(labJsonSchemaText());
  });

  it('is a 2020-12 schema with an id, the current version and the solution file under $defs', () => {
    const s = labJsonSchema() as { $schema: string; $id: string; properties: Record<string, { const?: number }>; $defs: Record<string, unknown> };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.$id).toBe('https://underlay.invalid/schema/lab.schema.json');
    expect(s.properties.version.const).toBe(1);
    expect(Object.keys(s.$defs)).toContain('solution');
  });

  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(labJsonSchema());

  it('accepts what the zod schema accepts', () => {
    expect(labSchema.safeParse(minimal).success).toBe(true);
    expect(validate(minimal)).toBe(true);
  });

  it('refuses what the zod schema refuses (structure; "exactly one kind" is zod\'s alone)', () => {
    const bad = [
      { ...minimal, version: 2 },
      { ...minimal, level: 'expert' },
      { ...minimal, colour: 'red' },
      { ...minimal, topology: 'a b.yaml' },
      { ...minimal, checks: [{ id: 'c', title: 't', capture: { filter: 'icmp', min: -1 } }] },
      { ...minimal, actions: [{ at: 'soon', exec: 'web: ping db' }] },
      { ...minimal, checks: [] },
    ];
    expect(bad.map((d) => validate(d))).toEqual(bad.map(() => false));
    expect(bad.map((d) => labSchema.safeParse(d).success)).toEqual(bad.map(() => false));
  });
});
