/** A stand-in renderer bundle in a temp directory: index.html, one script, one style. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fakeBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'underlay-bundle-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("underlay")');
  writeFileSync(join(dir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, '.secret'), 'no');
  return dir;
}
