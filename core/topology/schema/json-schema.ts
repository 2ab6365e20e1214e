/**
 * The published JSON Schema (resources/schema/topology.schema.json), generated from the zod
 * schema so the two cannot drift; `npm run gen:schema` writes it and a test compares the file.
 * Editors (Monaco, VS Code's YAML extension) use it for completion, hover text and inline checks.
 */
import { z } from './zod.ts';
import { topologySchema } from './document.ts';

export const TOPOLOGY_SCHEMA_ID = 'https://underlay.invalid/schema/topology.schema.json';

export function topologyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(topologySchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  return { ...schema, $id: TOPOLOGY_SCHEMA_ID, title: 'Underlay topology document' };
}

/** The file's exact text: generator and drift test share it, so formatting cannot differ. */
export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
