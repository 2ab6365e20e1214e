// Helpers for lab tests: a lab folder from the repository or from an in-memory map of files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabFiles } from '../../../core/lab/index.ts';

export const LABS = join(import.meta.dirname, '../../../labs');

export function labIds(): string[] {
  return readdirSync(LABS).filter((d) => existsSync(join(LABS, d, 'lab.yaml'))).sort();
}

export function folder(id: string): LabFiles {
  return { read: (p) => (existsSync(join(LABS, id, p)) ? readFileSync(join(LABS, id, p), 'utf8') : null) };
}

export function memory(files: Record<string, string>): LabFiles {
  return { read: (p) => (Object.hasOwn(files, p) ? files[p] : null) };
}
