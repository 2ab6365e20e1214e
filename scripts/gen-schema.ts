// Writes the published JSON Schemas generated from core's zod schemas (npm run gen:schema).
// tests/core/topology/json-schema.test.ts fails when the committed file is out of date.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topologyJsonSchemaText } from '../core/topology/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources/schema/topology.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, topologyJsonSchemaText());
console.log(`wrote ${out}`);
