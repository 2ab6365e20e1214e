/** TerminalLike over xterm.js with the fit add-on, themed from the page's CSS variables. */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { TerminalLike } from './terminal.ts';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function createXtermTerminal(element: HTMLElement): TerminalLike {
  const theme = () => ({ background: cssVar('--surface-2', '#eef0f3'), foreground: cssVar('--text', '#1d2127'), cursor: cssVar('--accent', '#1f5fbf'), selectionBackground: '#7aa7e6' });
  const term = new Terminal({
    convertEol: false,
    cursorBlink: true,
    fontFamily: cssVar('--mono', 'monospace'),
    fontSize: 13,
    scrollback: 5000,
    theme: theme(),
  });
  // The theme variables change with the system's light/dark preference: follow them.
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  const retheme = () => (term.options.theme = theme());
  scheme.addEventListener('change', retheme);
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(element);
  const refit = () => {
    // Fitting a hidden terminal (a background tab) gives zero columns: skip until it is shown.
    if (element.offsetParent !== null) fit.fit();
  };
  refit();
  const observer = new ResizeObserver(refit);
  observer.observe(element);
  return {
    write: (text) => term.write(text),
    onData: (listener) => term.onData(listener),
    clear: () => term.clear(),
    focus: () => term.focus(),
    fit: refit,
    dispose: () => {
      observer.disconnect();
      scheme.removeEventListener('change', retheme);
      term.dispose();
    },
  };
}
