/** npm start's decision between the Electron window and browser mode, branch by branch. */
import { describe, expect, it } from 'vitest';
import { chooseShell, fallBackAfterExit, hasDisplay, type LaunchFacts } from '../../../main/start/shell-choice.ts';

const desktop: LaunchFacts = { forceBrowser: false, platform: 'linux', env: { DISPLAY: ':0' }, electronBinary: 'present' };

describe('chooseShell', () => {
  it('runs Electron when there is a display and a binary', () => {
    expect(chooseShell(desktop)).toEqual({ shell: 'electron' });
    expect(chooseShell({ ...desktop, env: { WAYLAND_DISPLAY: 'wayland-0' } })).toEqual({ shell: 'electron' });
    expect(chooseShell({ ...desktop, platform: 'darwin', env: {} })).toEqual({ shell: 'electron' });
    expect(chooseShell({ ...desktop, platform: 'win32', env: {} })).toEqual({ shell: 'electron' });
  });

  it('uses browser mode when asked to, whatever else holds', () => {
    expect(chooseShell({ ...desktop, forceBrowser: true })).toEqual({ shell: 'browser', reason: '--browser was given' });
  });

  it('uses browser mode on Linux without DISPLAY or WAYLAND_DISPLAY, without trying to download', () => {
    for (const electronBinary of ['present', 'missing', 'unavailable'] as const) {
      expect(chooseShell({ ...desktop, env: {}, electronBinary })).toMatchObject({ shell: 'browser', reason: expect.stringMatching(/no display/) });
      expect(chooseShell({ ...desktop, env: { DISPLAY: '' }, electronBinary })).toMatchObject({ shell: 'browser' });
    }
    expect(chooseShell({ ...desktop, platform: 'freebsd', env: {} })).toMatchObject({ shell: 'browser' });
  });

  it('downloads a missing binary first, and falls back when it cannot be had', () => {
    expect(chooseShell({ ...desktop, electronBinary: 'missing' })).toEqual({ shell: 'download' });
    expect(chooseShell({ ...desktop, electronBinary: 'unavailable' })).toMatchObject({ shell: 'browser', reason: expect.stringMatching(/could not be downloaded/) });
  });

  it('does not start Electron as plain Node', () => {
    expect(chooseShell({ ...desktop, env: { DISPLAY: ':0', ELECTRON_RUN_AS_NODE: '1' } })).toMatchObject({ shell: 'browser' });
  });

  it('hasDisplay reads only the platform and the two variables', () => {
    expect(hasDisplay('linux', { DISPLAY: ':1' })).toBe(true);
    expect(hasDisplay('linux', { TERM: 'xterm' })).toBe(false);
    expect(hasDisplay('darwin', {})).toBe(true);
  });
});

describe('fallBackAfterExit', () => {
  it('falls back when Electron died before showing its window', () => {
    expect(fallBackAfterExit({ code: 1, signal: null, reachedWindow: false })).toBe(true);
    expect(fallBackAfterExit({ code: null, signal: 'SIGSEGV', reachedWindow: false })).toBe(true);
    expect(fallBackAfterExit({ code: null, signal: 'SIGTRAP', reachedWindow: false })).toBe(true);
  });

  it('does not after the window was shown, on a clean exit, or on Ctrl+C', () => {
    expect(fallBackAfterExit({ code: 1, signal: null, reachedWindow: true })).toBe(false);
    expect(fallBackAfterExit({ code: 0, signal: null, reachedWindow: false })).toBe(false);
    expect(fallBackAfterExit({ code: null, signal: 'SIGINT', reachedWindow: false })).toBe(false);
    expect(fallBackAfterExit({ code: null, signal: 'SIGTERM', reachedWindow: false })).toBe(false);
  });
});
