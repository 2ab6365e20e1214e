/** The native menus: entries, standard accelerators, roles, recent files, per platform. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { RecentFile } from '../../../core/contract/workspace.ts';
import { MAX_RECENT_ITEMS, menuTemplate, type MenuActions } from '../../../main/electron/menu.ts';

function actions(): MenuActions & Record<string, ReturnType<typeof vi.fn>> {
  const names = ['openTopology', 'openCapture', 'save', 'saveAs', 'exportPcapng', 'openRecent', 'clearRecent', 'showWorkspaceFolder', 'about'];
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as never;
}

const submenu = (item: MenuItemConstructorOptions) => item.submenu as MenuItemConstructorOptions[];
const byLabel = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label)!;
const recent = (n: number): RecentFile[] => Array.from({ length: n }, (_, i) => ({ path: `/t/${i}.yaml`, kind: 'topology', openedAt: i }));

describe('menuTemplate', () => {
  it('has File, Edit, View and Help with the standard accelerators on Linux and Windows', () => {
    const a = actions();
    const menu = menuTemplate(a, { platform: 'linux', packaged: true, recent: [] });
    expect(menu.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const file = submenu(menu[0]);
    const accel = Object.fromEntries(file.filter((i) => i.label).map((i) => [i.label, i.accelerator]));
    expect(accel).toMatchObject({
      'Open Topology…': 'CmdOrCtrl+O',
      'Open Capture…': 'CmdOrCtrl+Shift+O',
      Save: 'CmdOrCtrl+S',
      'Save As…': 'CmdOrCtrl+Shift+S',
      'Export pcapng…': 'CmdOrCtrl+E',
    });
    expect(file.at(-1)).toEqual({ role: 'quit' });
    for (const [label, action] of [['Open Topology…', 'openTopology'], ['Open Capture…', 'openCapture'], ['Save', 'save'], ['Save As…', 'saveAs'], ['Export pcapng…', 'exportPcapng']]) {
      (byLabel(file, label).click as () => void)();
      expect(a[action]).toHaveBeenCalledOnce();
    }
    expect(submenu(menu[1]).map((i) => i.role ?? i.type)).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'delete', 'separator', 'selectAll']);
    const view = submenu(menu[2]).map((i) => i.role ?? i.type);
    expect(view).toContain('reload');
    expect(view).toContain('togglefullscreen');
    expect(view).not.toContain('toggleDevTools');
    expect(submenu(menuTemplate(a, { platform: 'linux', packaged: false, recent: [] })[2]).map((i) => i.role)).toContain('toggleDevTools');
  });

  it('lists recent files (at most ten, no labs) that open on click, and clears them', () => {
    const a = actions();
    const files = [...recent(12), { path: '/labs/x', kind: 'lab', openedAt: 0 } as RecentFile];
    const open = submenu(byLabel(submenu(menuTemplate(a, { platform: 'win32', packaged: true, recent: files })[0]), 'Open Recent'));
    const entries = open.filter((i) => i.label?.startsWith('/'));
    expect(entries).toHaveLength(MAX_RECENT_ITEMS);
    (entries[2].click as () => void)();
    expect(a.openRecent).toHaveBeenCalledWith(files[2]);
    (byLabel(open, 'Clear Recent').click as () => void)();
    expect(a.clearRecent).toHaveBeenCalledOnce();
    const none = submenu(byLabel(submenu(menuTemplate(a, { platform: 'win32', packaged: true, recent: [] })[0]), 'Open Recent'));
    expect(none).toEqual([{ label: 'No Recent Files', enabled: false }]);
  });

  it('follows macOS conventions: app and window menus, the system recent list, no Quit in File', () => {
    const menu = menuTemplate(actions(), { platform: 'darwin', packaged: true, recent: recent(2) });
    expect(menu.map((m) => m.role ?? m.label)).toEqual(['appMenu', '&File', '&Edit', '&View', 'windowMenu', 'help']);
    const file = submenu(menu[1]);
    expect(byLabel(file, 'Open Recent').role).toBe('recentDocuments');
    expect(file.some((i) => i.role === 'quit')).toBe(false);
  });
});
