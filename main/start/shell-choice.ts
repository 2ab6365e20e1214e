/**
 * Which shell `npm start` runs (DESIGN.md §2): the Electron window when it can start, otherwise the
 * same app in browser mode. Pure functions over the facts the launcher gathers, so every branch is
 * tested without a display or an Electron binary.
 */
export type ElectronBinary = 'present' | 'missing' | 'unavailable';

export interface LaunchFacts {
  readonly forceBrowser: boolean;
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** present: on disk; missing: not yet fetched; unavailable: fetching it failed. */
  readonly electronBinary: ElectronBinary;
}

export type ShellChoice =
  | { readonly shell: 'electron' }
  /** Fetch the binary (node node_modules/electron/install.js), then decide again. */
  | { readonly shell: 'download' }
  | { readonly shell: 'browser'; readonly reason: string };

export function chooseShell(facts: LaunchFacts): ShellChoice {
  if (facts.forceBrowser) return { shell: 'browser', reason: '--browser was given' };
  if (!hasDisplay(facts.platform, facts.env)) {
    return { shell: 'browser', reason: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  if (facts.env.ELECTRON_RUN_AS_NODE) {
    // Electron would start as plain Node and never open a window.
    return { shell: 'browser', reason: 'ELECTRON_RUN_AS_NODE is set' };
  }
  switch (facts.electronBinary) {
    case 'present':
      return { shell: 'electron' };
    case 'missing':
      return { shell: 'download' };
    case 'unavailable':
      return { shell: 'browser', reason: 'the Electron binary is not installed and could not be downloaded' };
  }
}

/** Windows and macOS always have a window system for a logged-in user; Linux and the BSDs need X11 or Wayland. */
export function hasDisplay(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): boolean {
  if (platform === 'win32' || platform === 'darwin') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export interface ElectronExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the app reported its window shown (the UNDERLAY_READY_FILE it writes, main/electron/ready-signal.ts). */
  readonly reachedWindow: boolean;
}

/**
 * After Electron exits: fall back to browser mode when it died before it ever showed a window (a
 * missing system library, an unusable sandbox helper, a display it could not open). An exit after
 * the window was shown is the user quitting (or a crash they saw): do not start a second app then.
 */
export function fallBackAfterExit(exit: ElectronExit): boolean {
  if (exit.reachedWindow) return false;
  if (exit.signal === 'SIGINT' || exit.signal === 'SIGTERM') return false;
  return exit.code !== 0;
}
