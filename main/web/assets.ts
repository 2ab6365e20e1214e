/**
 * Maps a request path to a file of the built renderer bundle (out/renderer/), for browser mode's
 * HTTP server and Electron's app:// protocol alike. Only files inside the bundle directory can be
 * named: percent-decoding, dot segments, backslashes and NUL bytes are resolved or refused before
 * the path is joined, and the result is checked to still lie under the root.
 */
import { extname, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The absolute file a URL pathname names inside `root`, or null when it names nothing allowed.
 * '/' (and any directory-looking path) is the page itself, index.html.
 */
export function assetPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const base = resolve(root);
  const file = resolve(base, `.${relative.startsWith('/') ? '' : '/'}${relative}`);
  if (file !== base && !file.startsWith(base + sep)) return null;
  // Dotfiles are never part of a bundle; refuse them rather than serve an editor's leftovers.
  if (file.slice(base.length).split(sep).some((part) => part.startsWith('.'))) return null;
  return file;
}
