/**
 * Files given to the app (command line, Open… dialogs, recent files, the OS's open-file event):
 * what kind each one is, and bringing it into the workspace. A capture is imported into the
 * catalogue (the workspace validates it); a topology document is saved as a topology named after
 * the file, as a new revision when one of that name exists. Either way it joins the recent files.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { CaptureEntry, RecentFileKind, TopologySummary, WorkspaceApi, WorkspaceEvents } from '../../core/contract/workspace.ts';
import type { RpcClient } from '../../core/rpc/client.ts';
import { MAX_TOPOLOGY_CHARS } from '../../core/contract/limits.ts';

export type OpenableKind = Extract<RecentFileKind, 'topology' | 'capture'>;

const KINDS: Readonly<Record<string, OpenableKind>> = {
  '.yaml': 'topology',
  '.yml': 'topology',
  '.json': 'topology',
  '.pcapng': 'capture',
  '.pcap': 'capture',
  '.cap': 'capture',
};

export function fileKind(path: string): OpenableKind | null {
  return KINDS[extname(path).toLowerCase()] ?? null;
}

/** The openable files among command-line arguments, in order, each once. */
export function openableFiles(args: readonly string[]): string[] {
  return [...new Set(args.filter((a) => !a.startsWith('-') && fileKind(a) !== null))];
}

export type Opened =
  | { readonly kind: 'topology'; readonly path: string; readonly topology: TopologySummary; readonly text: string }
  | { readonly kind: 'capture'; readonly path: string; readonly capture: CaptureEntry }
  | { readonly kind: 'error'; readonly path: string; readonly message: string };

export async function openIntoWorkspace(workspace: RpcClient<WorkspaceApi, WorkspaceEvents>, path: string): Promise<Opened> {
  const kind = fileKind(path);
  try {
    if (kind === 'capture') {
      const result = await workspace.call('importCapture', [path]);
      if (!result.ok) return { kind: 'error', path, message: `${basename(path)}: ${result.error.message}` };
      await workspace.call('addRecentFile', [path, 'capture']);
      return { kind: 'capture', path, capture: result.capture };
    }
    if (kind === 'topology') {
      const text = await readFile(path, 'utf8');
      if (text.length > MAX_TOPOLOGY_CHARS) return { kind: 'error', path, message: `${basename(path)} is too large for a topology document` };
      const name = basename(path, extname(path));
      const existing = (await workspace.call('listTopologies', [])).find((t) => t.name === name);
      const topology = await workspace.call('saveTopology', [{ id: existing?.id, name, text, message: `opened from ${path}` }]);
      await workspace.call('addRecentFile', [path, 'topology']);
      return { kind: 'topology', path, topology, text };
    }
    return { kind: 'error', path, message: `${basename(path)} is neither a topology (.yaml, .yml, .json) nor a capture (.pcapng, .pcap)` };
  } catch (error) {
    return { kind: 'error', path, message: `${basename(path)}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
