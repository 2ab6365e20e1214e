/**
 * The window's security decisions (DESIGN.md §7) as main.ts applies them: web preferences, the CSP,
 * navigation, new windows, permissions, who may ask for a port, and which commands reach the page.
 */
import { describe, expect, it } from 'vitest';
import { decideConnect } from '../../../main/electron/connect-request.ts';
import { sanitizeCommand } from '../../../main/electron/page-commands.ts';
import { allowNavigation, allowPermission, APP_ORIGIN, APP_URL, isAppUrl, pageOrigin, secureWebPreferences, windowOpenDecision } from '../../../main/electron/policy.ts';
import { asarUnpackedPath } from '../../../main/electron/unpacked-path.ts';
import { contentSecurityPolicy } from '../../../main/web/csp.ts';

describe('web preferences', () => {
  it('isolate, sandbox and deny Node to the page', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs', true);
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
    expect(secureWebPreferences('p', false).devTools).toBe(true);
  });
});

describe('the CSP', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

  it('denies by default and allows scripts only from the bundle', () => {
    const csp = directives(contentSecurityPolicy());
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    for (const [name, sources] of csp) {
      expect(sources, name).not.toContain("'unsafe-eval'");
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
      expect(sources.some((s) => /^https?:|^\*$/.test(s)), name).toBe(false);
    }
  });

  it('adds only the sockets it is given to connect-src', () => {
    expect(directives(contentSecurityPolicy({ connect: ['ws://127.0.0.1:5000'] })).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5000']);
  });
});

describe('navigation, windows and permissions', () => {
  it('refuses every navigation, new window and permission', () => {
    for (const url of ['https://example.com/', 'file:///etc/passwd', APP_URL, `${APP_ORIGIN}/other.html`, 'javascript:alert(1)']) expect(allowNavigation(url)).toBe(false);
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) expect(allowPermission(p)).toBe(false);
  });

  it('loads the page from app://underlay, or a local dev server in an unpackaged app only', () => {
    expect(pageOrigin(undefined, false)).toBe('app://underlay');
    expect(pageOrigin('http://localhost:5173/', false)).toBe('http://localhost:5173');
    expect(pageOrigin('http://localhost:5173/', true)).toBe('app://underlay');
    expect(pageOrigin('http://evil.example:5173/', false)).toBe('app://underlay');
    expect(isAppUrl(APP_URL, APP_ORIGIN)).toBe(true);
    expect(isAppUrl('app://other/index.html', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('not a url', APP_ORIGIN)).toBe(false);
  });
});

describe('connect requests', () => {
  const ok = { message: { contract: 'simulation' }, ports: 1, frameUrl: APP_URL, topFrame: true, origin: APP_ORIGIN };

  it('hand one port of a known contract from our top frame to the host', () => {
    expect(decideConnect(ok)).toEqual({ ok: true, contract: 'simulation' });
    expect(decideConnect({ ...ok, message: { contract: 'workspace' } })).toEqual({ ok: true, contract: 'workspace' });
    expect(decideConnect({ ...ok, message: { contract: 'host' } })).toEqual({ ok: true, contract: 'host' });
  });

  it('refuse anything else', () => {
    expect(decideConnect({ ...ok, topFrame: false })).toMatchObject({ ok: false, reason: 'asked from a subframe' });
    expect(decideConnect({ ...ok, frameUrl: 'https://example.com/' })).toMatchObject({ ok: false });
    expect(decideConnect({ ...ok, frameUrl: undefined })).toMatchObject({ ok: false });
    expect(decideConnect({ ...ok, ports: 0 })).toMatchObject({ ok: false, reason: 'came with 0 ports' });
    expect(decideConnect({ ...ok, ports: 2 })).toMatchObject({ ok: false });
    for (const message of [null, 'simulation', {}, { contract: 'shell' }, { contract: '__proto__' }, { contract: 1 }]) expect(decideConnect({ ...ok, message })).toMatchObject({ ok: false });
  });
});

describe('page commands', () => {
  it('pass known commands with their fields only', () => {
    expect(sanitizeCommand({ command: 'save', extra: 1 })).toEqual({ command: 'save' });
    expect(sanitizeCommand({ command: 'saveAs' })).toEqual({ command: 'saveAs' });
    expect(sanitizeCommand({ command: 'openTopology', topologyId: 3, name: 'lab', path: '/x/lab.yaml', evil: '<script>' })).toEqual({
      command: 'openTopology',
      topologyId: 3,
      name: 'lab',
      path: '/x/lab.yaml',
    });
    expect(sanitizeCommand({ command: 'openCapture', captureId: 2, name: 'c' })).toEqual({ command: 'openCapture', captureId: 2, name: 'c', path: '' });
  });

  it('drop anything else', () => {
    for (const value of [null, 1, 'save', {}, { command: 'quit' }, { command: 'openTopology', topologyId: 0 }, { command: 'openCapture', captureId: '2' }]) {
      expect(sanitizeCommand(value)).toBeNull();
    }
  });
});

it('maps a packaged worker path to app.asar.unpacked and leaves others alone', () => {
  expect(asarUnpackedPath('/opt/Underlay/resources/app.asar/out/main/fabric-worker.js')).toBe('/opt/Underlay/resources/app.asar.unpacked/out/main/fabric-worker.js');
  expect(asarUnpackedPath('/home/learner/underlay/out/main/fabric-worker.js')).toBe('/home/learner/underlay/out/main/fabric-worker.js'); // a checkout, not an archive
});
