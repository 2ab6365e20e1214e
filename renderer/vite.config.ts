/**
 * For building and serving the renderer on its own (tests, browser-mode development). The app's
 * real build is electron-vite's (electron.vite.config.ts at the root), with the same root and plugin.
 * No Node imports: this file sits in renderer/, whose lint rules forbid them; import.meta.dirname
 * is enough to anchor the paths.
 */
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  // Relative asset URLs: the bundle is loaded from file:// in Electron and from / in browser mode.
  base: './',
  plugins: [vue()],
  // monaco-yaml's worker imports monaco-editor/esm/vs/…, a path monaco-editor's exports map no
  // longer has (it maps monaco-editor/* to esm/vs/*): point it at the file itself.
  resolve: { alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${here}/../node_modules/monaco-editor/esm/vs/$1` }] },
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    // One CSS file beside the scripts, nothing inlined: the page runs under a strict CSP.
    assetsInlineLimit: 0,
  },
});
