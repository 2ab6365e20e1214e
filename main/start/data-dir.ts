/**
 * Where a user's workspace lives by default, in the platform's place for application data, so the
 * desktop app and browser mode of one user share their topologies, runs and captures.
 */
import { join } from 'node:path';

export interface PlatformFacts {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
}

/** The per-user application data folder (Electron's userData has the same parent on each platform). */
export function appDataDir(facts: PlatformFacts): string {
  const { platform, env, home } = facts;
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Underlay');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Underlay');
  // XDG: data (not config, not cache) is what a workspace database and its captures are.
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'underlay');
}

export function defaultWorkspaceDir(facts: PlatformFacts): string {
  return join(appDataDir(facts), 'workspace');
}
