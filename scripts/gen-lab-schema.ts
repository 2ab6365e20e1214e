// Writes resources/schema/lab.schema.json from core/lab's zod schema (npm run gen:schema runs
// scripts/gen-schema.ts for topologies; run this beside it: npx tsx scripts/gen-lab-schema.ts).
// tests/core/lab/json-schema.test.ts fails when the committed file is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labJsonSchemaText } from '../core/lab/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources/schema/lab.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, labJsonSchemaText());
console.log(`wrote ${out}`);
