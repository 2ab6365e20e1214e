/**
 * The published lab JSON Schema (resources/schema/lab.schema.json), generated from the zod schema
 * so the two cannot drift: `npm run gen:schema` (scripts/gen-schema.ts) writes it, tests/core/lab/json-schema.test.ts
 * compares the committed file. Lab authors' editors use it for completion and inline checks.
 */
import { z } from '../topology/schema/zod.ts';
import { labSchema, solutionSchema } from './schema.ts';

export const LAB_SCHEMA_ID = 'https://underlay.invalid/schema/lab.schema.json';

export function labJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(labSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  const solution = z.toJSONSchema(solutionSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  delete solution.$schema;
  return { ...schema, $id: LAB_SCHEMA_ID, title: 'Underlay lab document (lab.yaml)', $defs: { ...(schema.$defs ?? {}), solution } };
}

export function labJsonSchemaText(): string {
  return `${JSON.stringify(labJsonSchema(), null, 2)}\n`;
}
