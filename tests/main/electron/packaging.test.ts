/**
 * The build and packaging configuration, read as data: electron-vite builds the entries npm start
 * and the host expect, and electron-builder packages all four targets without a native rebuild.
 * (The build itself runs in `npm test`, before vitest — `npm run build`, electron-vite — so CI
 * fails when main, the preload or the renderer no longer builds; it takes longer than a unit test
 * should.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import config from '../../../electron.vite.config.ts';
import { BUILD_OUTPUTS } from '../../../main/start/build.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('electron.vite.config.ts', () => {
  const c = config as unknown as Record<'main' | 'preload' | 'renderer', { build: { outDir: string; rollupOptions: { input: Record<string, string>; output?: { format: string; entryFileNames: string } } } }>;

  it('builds main with the fabric worker and browser mode as further entries, as ES modules', () => {
    const main = c.main.build;
    expect(Object.keys(main.rollupOptions.input)).toEqual(['main', 'fabric-worker', 'browser-mode']);
    expect(main.rollupOptions.input.main).toBe(join(root, 'main/electron/main.ts'));
    expect(main.rollupOptions.input['fabric-worker']).toBe(join(root, 'main/host/fabric-worker.ts'));
    expect(main.rollupOptions.input['browser-mode']).toBe(join(root, 'main/start/browser-mode.ts'));
    expect(main.rollupOptions.output).toMatchObject({ format: 'es', entryFileNames: '[name].js' });
    for (const entry of Object.values(main.rollupOptions.input)) expect(existsSync(entry), entry).toBe(true);
  });

  it('builds the preload as CommonJS (a sandboxed preload cannot be a module)', () => {
    expect(c.preload.build.rollupOptions.output).toMatchObject({ format: 'cjs', entryFileNames: '[name].cjs' });
    expect(c.preload.build.rollupOptions.input.index).toBe(join(root, 'main/preload/index.ts'));
  });

  it('writes what npm start checks for', () => {
    const outputs = [
      ...Object.keys(c.main.build.rollupOptions.input).map((n) => join(c.main.build.outDir, `${n}.js`)),
      join(c.preload.build.outDir, 'index.cjs'),
      join(c.renderer.build.outDir, 'index.html'),
    ];
    expect(outputs.map((o) => o.slice(root.length + 1))).toEqual([...BUILD_OUTPUTS]);
  });
});

describe('electron-builder.yml', () => {
  const builder = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

  it('packages AppImage and deb, dmg, and nsis', () => {
    expect(builder.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(builder.mac).toMatchObject({ target: 'dmg' });
    expect(builder.win).toMatchObject({ target: 'nsis' });
  });

  it('ships labs and resources beside the app and the built app itself', () => {
    expect(builder.extraResources).toEqual([
      { from: 'labs', to: 'labs' },
      { from: 'resources', to: 'resources' },
    ]);
    expect(builder.files).toContain('out/**');
    expect(builder.extraMetadata).toEqual({ main: 'out/main/main.js' });
    expect(builder.asarUnpack).toEqual(['out/main/**']);
  });

  it('never rebuilds native modules (sqlite3 is N-API)', () => {
    expect(builder.npmRebuild).toBe(false);
    expect(builder.nodeGypRebuild).toBe(false);
    const pkg = readFileSync(join(root, 'package.json'), 'utf8');
    expect(pkg).not.toMatch(/electron-rebuild|install-app-deps/);
  });
});
