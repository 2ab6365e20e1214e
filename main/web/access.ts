/**
 * Who may talk to the browser-mode server (DESIGN.md §7: loopback only, the token, same origin).
 *
 * - Host must be one of the server's own loopback names: defeats DNS rebinding.
 * - The token must come with the request, in the query (`?token=…`, the URL the user opens and the
 *   WebSocket URLs the page builds) or in the cookie the server sets on the first page load, which
 *   lets the page's own script and style requests in (a browser does not copy a query string onto
 *   subresources). The cookie is HttpOnly and SameSite=Strict, and named after the port, because
 *   cookies are shared between all ports of 127.0.0.1.
 * - A request that names an Origin must name ours; a WebSocket upgrade must name one (browsers
 *   always send it, and a WebSocket is exempt from the same-origin policy, so this check is what
 *   stops another page from driving the simulator). Node clients pass `origin` explicitly.
 *
 * Pure functions over the few request fields they read, so the policy is tested without sockets.
 */
import { tokenMatches } from './token.ts';

export interface AccessPolicy {
  readonly token: string;
  /** Accepted Host header values (see loopback.ts allowedHosts). */
  readonly hosts: ReadonlySet<string>;
  readonly port: number;
}

export interface RequestFacts {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly cookie: string | undefined;
  /** The request target as sent (path and query). */
  readonly url: string;
  readonly upgrade: boolean;
}

export type Verdict =
  | { readonly ok: true; readonly pathname: string; readonly query: URLSearchParams }
  | { readonly ok: false; readonly status: 400 | 401 | 403; readonly reason: string };

export function cookieName(port: number): string {
  return `underlay-token-${port}`;
}

/** The Set-Cookie value that admits the page's own follow-up requests. */
export function tokenCookie(policy: AccessPolicy): string {
  return `${cookieName(policy.port)}=${policy.token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function checkAccess(policy: AccessPolicy, request: RequestFacts): Verdict {
  if (request.host === undefined || !policy.hosts.has(request.host.toLowerCase())) {
    return { ok: false, status: 403, reason: 'unexpected Host header' };
  }
  let url: URL;
  try {
    url = new URL(request.url, `http://${request.host}`);
  } catch {
    return { ok: false, status: 400, reason: 'bad request target' };
  }
  if (request.origin !== undefined || request.upgrade) {
    if (request.origin === undefined) return { ok: false, status: 403, reason: 'WebSocket upgrade without an Origin' };
    if (!isOwnOrigin(policy, request.origin)) return { ok: false, status: 403, reason: 'foreign Origin' };
  }
  const candidate = url.searchParams.get('token') ?? cookieValue(request.cookie, cookieName(policy.port));
  if (candidate === undefined || candidate === null) return { ok: false, status: 401, reason: 'missing token' };
  if (!tokenMatches(policy.token, candidate)) return { ok: false, status: 401, reason: 'wrong token' };
  return { ok: true, pathname: url.pathname, query: url.searchParams };
}

function isOwnOrigin(policy: AccessPolicy, origin: string): boolean {
  for (const host of policy.hosts) if (origin.toLowerCase() === `http://${host}`) return true;
  return false;
}

/** One cookie's value from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
