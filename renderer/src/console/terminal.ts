/**
 * What a console needs of a terminal: write text (with ANSI escapes), hear typed data, clear,
 * focus, fit to its box. xterm.js is behind it in the page (xterm-terminal.ts); tests use a fake
 * that records writes, since xterm's renderer needs a real layout engine.
 */
export interface TerminalLike {
  write(text: string): void;
  /** Typed keys and pastes, as the terminal encodes them (`\r`, `\x7f`, `\x1b[A`, …). */
  onData(listener: (data: string) => void): { dispose(): void };
  /** Clears the screen and scrollback (Ctrl+L). */
  clear(): void;
  focus(): void;
  /** Resizes rows and columns to the element (after layout changes). */
  fit(): void;
  dispose(): void;
}

/** Makes a terminal inside an element. */
export type TerminalFactory = (element: HTMLElement) => Promise<TerminalLike>;

/** The page's terminals: xterm.js, loaded when the first console opens. */
export const xtermFactory: TerminalFactory = async (element) => {
  const { createXtermTerminal } = await import('./xterm-terminal.ts');
  return createXtermTerminal(element);
};

let factory: TerminalFactory = xtermFactory;

/** The factory consoles use; tests set a fake one. */
export function terminalFactory(): TerminalFactory {
  return factory;
}

export function useTerminalFactory(next: TerminalFactory | null): void {
  factory = next ?? xtermFactory;
}
