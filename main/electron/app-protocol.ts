/**
 * The bundle is served under app://underlay/ rather than file://: a file:// page has a null origin,
 * may read any local file it can name, and makes 'self' in a CSP mean little. A privileged standard
 * scheme gives the page a real origin, confines it to out/renderer/ (assets.ts) and lets every
 * response carry the CSP header.
 */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { assetPath, contentTypeOf } from '../web/assets.ts';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../web/csp.ts';
import { APP_HOST, APP_SCHEME } from './policy.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

export function serveApp(session: Session, rendererDir: string): void {
  const csp = contentSecurityPolicy();
  session.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? assetPath(rendererDir, url.pathname) : null;
    if (file === null) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { 'Content-Type': contentTypeOf(file), 'Content-Security-Policy': csp, ...SECURITY_HEADERS } });
    } catch {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
  });
}
