/**
 * Menu commands for the page. The preload exposes nothing but connect() to the page; commands go
 * the other way only, as plain data: main sends them over IPC, the preload re-posts them to the
 * page as `window.postMessage({ type: 'underlay:command', … })`, the same path the ports take. The
 * page cannot send anything back on this path, so it opens no new way into main.
 *
 * Files chosen in main's dialogs are already in the workspace when the command arrives: the page
 * fetches them by id through the workspace contract.
 */
export const COMMAND_CHANNEL = 'underlay:command';
export const COMMAND_MESSAGE_TYPE = 'underlay:command';

export type PageCommand =
  /** A topology file was opened: it is saved in the workspace as `topologyId`; show it in the editor. */
  | { readonly command: 'openTopology'; readonly topologyId: number; readonly name: string; readonly path: string }
  /** A capture file was imported into the catalogue as `captureId`; open it in the capture view. */
  | { readonly command: 'openCapture'; readonly captureId: number; readonly name: string; readonly path: string }
  /** File ▸ Save: save the topology being edited as a new revision. */
  | { readonly command: 'save' }
  /** File ▸ Save As…: save the topology being edited under a new name. */
  | { readonly command: 'saveAs' };

const NAMES = new Set<PageCommand['command']>(['openTopology', 'openCapture', 'save', 'saveAs']);

/** The preload's check before re-posting: only the commands above, with their fields only. */
export function sanitizeCommand(value: unknown): PageCommand | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.command !== 'string' || !NAMES.has(v.command as PageCommand['command'])) return null;
  const text = (x: unknown) => (typeof x === 'string' ? x : '');
  const id = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : null);
  switch (v.command) {
    case 'openTopology': {
      const topologyId = id(v.topologyId);
      return topologyId === null ? null : { command: 'openTopology', topologyId, name: text(v.name), path: text(v.path) };
    }
    case 'openCapture': {
      const captureId = id(v.captureId);
      return captureId === null ? null : { command: 'openCapture', captureId, name: text(v.name), path: text(v.path) };
    }
    case 'save':
      return { command: 'save' };
    default:
      return { command: 'saveAs' };
  }
}
