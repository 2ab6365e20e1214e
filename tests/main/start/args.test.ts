/** npm start's options, the default workspace folder and which arguments are files to open. */
import { describe, expect, it } from 'vitest';
import { parseStartArgs, UsageError } from '../../../main/start/args.ts';
import { appDataDir, defaultWorkspaceDir } from '../../../main/start/data-dir.ts';
import { fileKind, openableFiles } from '../../../main/start/open-files.ts';

describe('parseStartArgs', () => {
  it('has defaults for everything', () => {
    expect(parseStartArgs([])).toEqual({ browser: false, open: true, build: true, help: false, files: [], port: undefined, host: undefined, workspace: undefined });
  });

  it('reads --browser, --port, --workspace, --host, --no-open, --no-build, both spellings of values', () => {
    expect(parseStartArgs(['--browser', '--port', '8080', '--workspace=/tmp/w', '--host', '::1', '--no-open', '--no-build'])).toMatchObject({
      browser: true,
      port: 8080,
      workspace: '/tmp/w',
      host: '::1',
      open: false,
      build: false,
    });
    expect(parseStartArgs(['--port=1']).port).toBe(1);
  });

  it('refuses bad ports and missing values', () => {
    expect(() => parseStartArgs(['--port', 'http'])).toThrow(UsageError);
    expect(() => parseStartArgs(['--port', '0'])).toThrow(/between 1 and 65535/);
    expect(() => parseStartArgs(['--port', '70000'])).toThrow(/between 1 and 65535/);
    expect(() => parseStartArgs(['--port'])).toThrow(/needs a value/);
    expect(() => parseStartArgs(['--workspace', '--browser'])).toThrow(/needs a value/);
  });

  it('keeps files in order and lets switches of Chromium and macOS through', () => {
    const parsed = parseStartArgs(['a.yaml', '--enable-logging', '-psn_0_12345', 'b.pcapng', '--inspect=9229']);
    expect(parsed.files).toEqual(['a.yaml', 'b.pcapng']);
  });
});

describe('the default workspace folder', () => {
  it('follows each platform', () => {
    expect(defaultWorkspaceDir({ platform: 'linux', env: {}, home: '/home/u' })).toBe('/home/u/.local/share/underlay/workspace');
    expect(defaultWorkspaceDir({ platform: 'linux', env: { XDG_DATA_HOME: '/data' }, home: '/home/u' })).toBe('/data/underlay/workspace');
    expect(appDataDir({ platform: 'darwin', env: {}, home: '/Users/u' })).toBe('/Users/u/Library/Application Support/Underlay');
    expect(appDataDir({ platform: 'win32', env: { APPDATA: 'C:/Users/u/AppData/Roaming' }, home: 'C:/Users/u' })).toMatch(/Roaming[\\/]Underlay$/);
  });
});

describe('files to open', () => {
  it('knows topologies and captures by extension, case-insensitively', () => {
    expect(fileKind('/x/lab.yaml')).toBe('topology');
    expect(fileKind('LAB.YML')).toBe('topology');
    expect(fileKind('t.json')).toBe('topology');
    expect(fileKind('c.pcapng')).toBe('capture');
    expect(fileKind('c.PCAP')).toBe('capture');
    expect(fileKind('notes.txt')).toBeNull();
    expect(fileKind('yaml')).toBeNull();
  });

  it('picks the openable arguments, each once, skipping switches and the app path', () => {
    expect(openableFiles(['out/main/main.js', 'a.yaml', '--flag', 'a.yaml', 'c.pcap', 'readme.md'])).toEqual(['a.yaml', 'c.pcap']);
  });
});
