// Writes the published JSON Schemas generated from core's zod schemas (npm run gen:schema).
// tests/core/topology/json-schema.test.ts and tests/core/lab/json-schema.test.ts fail when a
// committed file is out of date.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labJsonSchemaText } from '../core/lab/index.ts';
import { topologyJsonSchemaText } from '../core/topology/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources/schema/topology.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, topologyJsonSchemaText());
console.log(`wrote ${out}`);
const labOut = join(root, 'resources/schema/lab.schema.json');
writeFileSync(labOut, labJsonSchemaText());
console.log(`wrote ${labOut}`);
