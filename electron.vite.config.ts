/**
 * The app's build (`npx electron-vite build`, run by `npm start` when out/ is stale):
 *   out/main/main.js          Electron's main process (main/electron/main.ts)
 *   out/main/fabric-worker.js the fabric worker it starts through the host (main/host/fabric-worker.ts)
 *   out/main/browser-mode.js  browser mode's host and web server (main/start/browser-mode.ts), which
 *                             `npm start` loads instead of compiling main/ with tsx when the build is current
 *   out/preload/index.cjs     the preload, CommonJS because sandboxed preloads cannot be modules
 *   out/renderer/             the page (renderer/index.html), also what browser mode serves
 * yaml and zod are bundled rather than left in node_modules: the worker then needs no package
 * resolution, which keeps it runnable from app.asar.unpacked/ in a packaged app. sqlite3 (native)
 * and ws stay external, loaded by main from node_modules.
 */
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Rollup } from 'vite';

const root = import.meta.dirname;

/** Rollup's notes on comments in dependencies (zod's PURE annotations) are noise to us: keep the rest. */
function onwarn(warning: Rollup.RollupLog, warn: (w: Rollup.RollupLog) => void): void {
  if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
  warn(warning);
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { exclude: ['yaml', 'zod'] },
      rollupOptions: {
        input: {
          main: resolve(root, 'main/electron/main.ts'),
          'fabric-worker': resolve(root, 'main/host/fabric-worker.ts'),
          'browser-mode': resolve(root, 'main/start/browser-mode.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
        onwarn,
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rollupOptions: {
        input: { index: resolve(root, 'main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    // Relative asset URLs, as renderer/vite.config.ts: served from app://underlay/ and from / alike.
    base: './',
    plugins: [vue()],
    // As renderer/vite.config.ts: monaco-yaml's worker imports a monaco-editor path the package's
    // exports map no longer has.
    resolve: { alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: resolve(root, 'node_modules/monaco-editor/esm/vs/$1') }] },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // Nothing inlined as data: URLs or inline styles: the page runs under a strict CSP.
      assetsInlineLimit: 0,
      // electron-vite leaves the renderer unminified by default; minified, the page's main chunk is
      // less than half the size, and parsing it is most of the time from the URL to a usable page.
      minify: true,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') }, onwarn },
    },
  },
});
