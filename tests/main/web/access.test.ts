/** The pieces of browser mode's gate on their own: loopback addresses, the token, the policy. */
import { describe, expect, it } from 'vitest';
import { checkAccess, cookieValue, type AccessPolicy } from '../../../main/web/access.ts';
import { assetPath } from '../../../main/web/assets.ts';
import { allowedHosts, isLoopbackAddress, resolveBindAddress } from '../../../main/web/loopback.ts';
import { createToken, tokenMatches } from '../../../main/web/token.ts';

describe('loopback', () => {
  it('knows loopback literals from everything else', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.0.2', '128.0.0.1', 'localhost', 'example.com', '', '127.0.0.1.evil.com', '::2']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('binds 127.0.0.1 by default and for localhost, refuses the rest', () => {
    expect(resolveBindAddress(undefined)).toBe('127.0.0.1');
    expect(resolveBindAddress('localhost')).toBe('127.0.0.1');
    expect(resolveBindAddress('[::1]')).toBe('::1');
    expect(() => resolveBindAddress('0.0.0.0')).toThrow(/refusing to listen on "0.0.0.0": browser mode binds a loopback address only/);
  });

  it('accepts its own Host names only', () => {
    expect([...allowedHosts('127.0.0.1', 8080)]).toEqual(['127.0.0.1:8080', 'localhost:8080']);
    expect([...allowedHosts('::1', 8080)]).toEqual(['[::1]:8080', 'localhost:8080']);
  });
});

describe('token', () => {
  it('is 256 random bits, URL-safe, new each time', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(a);
  });

  it('matches only itself', () => {
    const t = createToken();
    expect(tokenMatches(t, t)).toBe(true);
    for (const c of [undefined, null, '', t.slice(1), `${t}x`, t.toUpperCase()]) expect(tokenMatches(t, c)).toBe(false);
  });
});

describe('checkAccess', () => {
  const policy: AccessPolicy = { token: 'secret', hosts: allowedHosts('127.0.0.1', 4000), port: 4000 };
  const request = { host: '127.0.0.1:4000', origin: undefined, cookie: undefined, url: '/?token=secret', upgrade: false };

  it('admits the token by query or by cookie, and says which path was asked for', () => {
    expect(checkAccess(policy, request)).toMatchObject({ ok: true, pathname: '/' });
    expect(checkAccess(policy, { ...request, url: '/assets/a.js', cookie: 'x=1; underlay-token-4000=secret' })).toMatchObject({ ok: true, pathname: '/assets/a.js' });
  });

  it('refuses in order: Host, Origin, token', () => {
    expect(checkAccess(policy, { ...request, host: undefined })).toMatchObject({ ok: false, status: 403 });
    expect(checkAccess(policy, { ...request, host: 'attacker.example:4000' })).toMatchObject({ ok: false, status: 403 });
    expect(checkAccess(policy, { ...request, upgrade: true })).toMatchObject({ ok: false, status: 403, reason: 'WebSocket upgrade without an Origin' });
    expect(checkAccess(policy, { ...request, upgrade: true, origin: 'null' })).toMatchObject({ ok: false, status: 403, reason: 'foreign Origin' });
    expect(checkAccess(policy, { ...request, upgrade: true, origin: 'http://127.0.0.1:4000' })).toMatchObject({ ok: true });
    expect(checkAccess(policy, { ...request, url: '/' })).toMatchObject({ ok: false, status: 401, reason: 'missing token' });
    expect(checkAccess(policy, { ...request, url: '/', cookie: 'underlay-token-4001=secret' })).toMatchObject({ ok: false, status: 401 });
    expect(checkAccess(policy, { ...request, url: '/?token=secreT' })).toMatchObject({ ok: false, status: 401, reason: 'wrong token' });
  });

  it('reads one cookie out of a header', () => {
    expect(cookieValue('a=1; b = 2 ;c=3', 'b')).toBe('2');
    expect(cookieValue('a=1', 'b')).toBeUndefined();
    expect(cookieValue(undefined, 'b')).toBeUndefined();
  });
});

it('assetPath stays inside the bundle', () => {
  expect(assetPath('/srv/r', '/')).toBe('/srv/r/index.html');
  expect(assetPath('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
  for (const p of ['/../etc/passwd', '/%2e%2e/x', '/a/../../x', '/.git/config', '/a\\..\\b', '/%00', '/%zz']) expect(assetPath('/srv/r', p), p).toBeNull();
});
