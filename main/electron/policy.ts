/**
 * What the window may do (DESIGN.md §7), as pure decisions main.ts wires into Electron's hooks:
 * the page is our bundle at app://underlay/ and nothing else. It may not navigate anywhere (a
 * dropped file or a clicked link would otherwise replace the app with arbitrary content), may not
 * open windows, and gets no permission (camera, notifications, clipboard-read …): the lab needs none.
 */
import type { WebPreferences } from 'electron';

/** The scheme and host the bundle is served under (app-protocol.ts); a standard, secure scheme. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'underlay';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * The origin the page may be loaded from: the app's own, or in development (electron-vite dev, an
 * unpackaged app only) the dev server's, when it is on this machine; otherwise the app's.
 */
export function pageOrigin(devServerUrl: string | undefined, packaged: boolean): string {
  if (!packaged && devServerUrl) {
    const url = new URL(devServerUrl);
    if (url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1')) return `${url.protocol}//${url.host}`;
  }
  return APP_ORIGIN;
}

/** Whether a frame at `url` is our page (for the ipc connect request and for navigation). */
export function isAppUrl(url: string, origin: string): boolean {
  return originOf(url) === origin;
}

/**
 * scheme://host[:port] of a URL, or null. Not URL.origin: in Node (main), a scheme Node does not
 * know, like app:, has the opaque origin "null", whatever Chromium was told about it.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/**
 * will-navigate / will-redirect: every navigation is refused, even to our own origin, because the
 * app is a single page and never navigates; a reload does not pass through here.
 */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** setWindowOpenHandler: no new windows, ever. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** setPermissionRequestHandler / setPermissionCheckHandler: nothing is granted. */
export function allowPermission(_permission: string): boolean {
  return false;
}

/**
 * The options every window is created with. The values are the point: the page has no Node, runs
 * in Chromium's sandbox, in its own JavaScript world separate from the preload's, with web
 * security on and no remote module, spellchecker downloads or devtools in packaged builds.
 */
export function secureWebPreferences(preload: string, packaged: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: !packaged,
    safeDialogs: true,
  };
}
