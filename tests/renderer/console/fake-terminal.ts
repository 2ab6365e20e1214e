/** A TerminalLike that records what is written (escapes stripped in `screen`) and lets a test type. */
import type { TerminalLike } from '../../../renderer/src/console/terminal.ts';

export interface FakeTerminal extends TerminalLike {
  /** Everything written since the last clear, raw. */
  readonly written: string;
  /** Written text without ANSI escapes and carriage returns. */
  readonly screen: string;
  readonly clears: number;
  type(data: string): void;
}

export function fakeTerminal(): FakeTerminal {
  let written = '';
  let clears = 0;
  const listeners = new Set<(d: string) => void>();
  return {
    get written() {
      return written;
    },
    get screen() {
      return written.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r(?!\n)/g, '\n').replace(/\r/g, '');
    },
    get clears() {
      return clears;
    },
    write: (t) => (written += t),
    onData: (l) => (listeners.add(l), { dispose: () => listeners.delete(l) }),
    clear: () => {
      clears++;
      written = '';
    },
    focus: () => {},
    fit: () => {},
    dispose: () => listeners.clear(),
    type: (d) => {
      for (const l of listeners) l(d);
    },
  };
}
