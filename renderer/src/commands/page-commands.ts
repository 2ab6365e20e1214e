/**
 * Menu commands from Electron's main process. The preload re-posts them to the page as
 * `window.postMessage({ type: 'underlay:command', command, … })` after checking them
 * (main/electron/page-commands.ts); the page checks again, since anything in the window can post a
 * message, and only acts on messages from the window itself. Files chosen in main's dialogs are
 * already in the workspace by then: the page opens them by id.
 */
import type { Disposable } from '../../../core/base/event.ts';

export type PageCommand =
  | { readonly command: 'openTopology'; readonly topologyId: number; readonly name: string }
  | { readonly command: 'openCapture'; readonly captureId: number; readonly name: string }
  | { readonly command: 'save' }
  | { readonly command: 'saveAs' };

export function parsePageCommand(data: unknown): PageCommand | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.type !== 'underlay:command') return null;
  const id = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : null);
  const name = typeof d.name === 'string' ? d.name : '';
  switch (d.command) {
    case 'openTopology': {
      const topologyId = id(d.topologyId);
      return topologyId === null ? null : { command: 'openTopology', topologyId, name };
    }
    case 'openCapture': {
      const captureId = id(d.captureId);
      return captureId === null ? null : { command: 'openCapture', captureId, name };
    }
    case 'save':
    case 'saveAs':
      return { command: d.command };
    default:
      return null;
  }
}

/** Calls `handle` for every valid command the window posts to itself. */
export function listenForPageCommands(target: Window, handle: (command: PageCommand) => void): Disposable {
  const onMessage = (event: MessageEvent) => {
    if (event.source !== target) return;
    const command = parsePageCommand(event.data);
    if (command) handle(command);
  };
  target.addEventListener('message', onMessage);
  return { dispose: () => target.removeEventListener('message', onMessage) };
}
