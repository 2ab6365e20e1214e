/**
 * Opens a URL in the user's browser where the platform has an opener. Failure is fine: the URL is
 * printed anyway. The opener is detached so closing it (or it lingering) never holds up the app.
 */
import { spawn } from 'node:child_process';

export function openerCommand(platform: NodeJS.Platform, url: string): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // start is a cmd built-in; the empty string is the window title it would otherwise take from the URL.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const { command, args } = openerCommand(platform, url);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsVerbatimArguments: platform === 'win32' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener: the printed URL is the way in.
  }
}
