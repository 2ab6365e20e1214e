/**
 * The native menus, as a template built from plain data (Electron's Menu.buildFromTemplate turns
 * it into a menu in main.ts), so it is tested without Electron. Standard accelerators; Edit and
 * View are Electron's roles, which do the right thing per platform (and in text fields).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentFile } from '../../core/contract/workspace.ts';

export interface MenuActions {
  openTopology(): void;
  openCapture(): void;
  save(): void;
  saveAs(): void;
  exportPcapng(): void;
  openRecent(file: RecentFile): void;
  clearRecent(): void;
  showWorkspaceFolder(): void;
  about(): void;
}

export interface MenuFacts {
  readonly platform: NodeJS.Platform;
  readonly packaged: boolean;
  readonly recent: readonly RecentFile[];
}

/** Entries in File ▸ Open Recent. */
export const MAX_RECENT_ITEMS = 10;

export function menuTemplate(actions: MenuActions, facts: MenuFacts): MenuItemConstructorOptions[] {
  const mac = facts.platform === 'darwin';
  const recent = facts.recent.filter((f) => f.kind !== 'lab').slice(0, MAX_RECENT_ITEMS);
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [
        ...recent.map((file) => ({ label: file.path, click: () => actions.openRecent(file) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No Recent Files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Topology…', accelerator: 'CmdOrCtrl+O', click: () => actions.openTopology() },
      { label: 'Open Capture…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openCapture() },
      // The role makes macOS list the app's recent documents itself; elsewhere our own list.
      mac ? { label: 'Open Recent', role: 'recentDocuments', submenu: [{ label: 'Clear Recent', role: 'clearRecentDocuments' }] } : { label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => actions.save() },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveAs() },
      { type: 'separator' },
      { label: 'Export pcapng…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportPcapng() },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(facts.packaged ? [] : [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const]),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'Show Workspace Folder', click: () => actions.showWorkspaceFolder() },
      ...(mac ? [] : [{ type: 'separator' } as const, { label: 'About Underlay', click: () => actions.about() }]),
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    file,
    edit,
    view,
    ...(mac ? [{ role: 'windowMenu' } as const] : []),
    help,
  ];
}
