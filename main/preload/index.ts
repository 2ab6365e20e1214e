/**
 * The preload (DESIGN.md §7): the page's only door to main is `window.underlay.connect(contract)`.
 * It makes a MessageChannel, sends one end to main (which hands it to the host) and posts the other
 * to the page, because a MessagePort cannot pass through contextBridge: the page picks it up from
 * `window.postMessage({ type: 'underlay:port', contract }, '*', [port])`
 * (renderer/src/transport/electron.ts). Menu commands from main are re-posted to the page the same
 * way, checked first (page-commands.ts).
 *
 * Sandboxed: this runs with only `electron`'s renderer modules; everything else is bundled in.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CONNECT_CHANNEL, PORT_MESSAGE_TYPE } from '../electron/connect-request.ts';
import { COMMAND_CHANNEL, COMMAND_MESSAGE_TYPE, sanitizeCommand } from '../electron/page-commands.ts';
import { isContractName } from '../web/contracts.ts';

/**
 * The page's window, as far as this file uses it. Declared here because main/ type-checks with
 * Node's library, not the DOM's; at run time it is the preload's view of the real window.
 */
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void };

contextBridge.exposeInMainWorld('underlay', {
  connect(contract: unknown): void {
    if (!isContractName(contract)) throw new Error(`no contract named ${JSON.stringify(contract)}`);
    const { port1, port2 } = new MessageChannel();
    ipcRenderer.postMessage(CONNECT_CHANNEL, { contract }, [port1]);
    window.postMessage({ type: PORT_MESSAGE_TYPE, contract }, '*', [port2]);
  },
});

ipcRenderer.on(COMMAND_CHANNEL, (_event, command: unknown) => {
  const checked = sanitizeCommand(command);
  if (checked) window.postMessage({ type: COMMAND_MESSAGE_TYPE, ...checked }, '*');
});
