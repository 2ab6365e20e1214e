/**
 * The renderer's Content Security Policy, one definition for both shells (browser mode sends it as a
 * header, Electron sets it on its app:// responses). Everything is denied unless listed: scripts only
 * from the bundle itself (no inline, no eval), no plugins, no frames, no form posts, no base-URI
 * games, connections only back to where the page came from.
 *
 * Styles allow 'unsafe-inline': Vue writes style attributes for bound styles and static template
 * fragments, and a style can at worst restyle our own page; scripts, the real risk, stay strict.
 */
export interface CspOptions {
  /** Extra connect-src sources: browser mode's own ws:// origin ('self' does not cover ws: everywhere). */
  readonly connect?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(options.connect ?? [])],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Response headers every page and asset carries, besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
