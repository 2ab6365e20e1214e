/**
 * `npm start` (DESIGN.md §2): build if needed, then the Electron window when it can start, or the
 * same app in browser mode when it cannot (no display, no binary and none downloadable, a spawn or
 * startup failure) or when --browser asks for it. Runs under tsx: `node --import tsx main/start/index.ts`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseStartArgs, START_USAGE, UsageError, type StartOptions } from './args.ts';
import type * as BrowserModeModule from './browser-mode.ts';
import { buildState, builtEntries, runBuild } from './build.ts';
import { defaultWorkspaceDir } from './data-dir.ts';
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, electronExecutable, fetchElectron, recentlyFailed } from './electron-binary.ts';
import { runElectron } from './electron-run.ts';
import { chooseShell, fallBackAfterExit, type ElectronBinary } from './shell-choice.ts';

const root = resolve(import.meta.dirname, '..', '..');
const say = (line: string) => console.log(`underlay: ${line}`);

async function main(argv: readonly string[]): Promise<number> {
  let options: StartOptions;
  try {
    options = parseStartArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`underlay: ${error.message}\n\n${START_USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(START_USAGE);
    return 0;
  }
  // npm runs scripts from the package root; paths the user typed are relative to where they typed them.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const workspaceDir = resolve(cwd, options.workspace ?? defaultWorkspaceDir({ platform: process.platform, env: process.env, home: homedir() }));
  const files = options.files.map((f) => resolve(cwd, f));

  if (options.build) {
    const state = buildState(root);
    if (state.stale) {
      say(`building (${state.why})`);
      if ((await runBuild(root)) !== 0) {
        console.error('underlay: the build failed (npx electron-vite build); see the errors above');
        return 1;
      }
    }
  }

  const facts = { forceBrowser: options.browser, platform: process.platform, env: process.env };
  const binary = (): ElectronBinary => (electronExecutable(root) ? 'present' : recentlyFailed(root) ? 'unavailable' : 'missing');
  let choice = chooseShell({ ...facts, electronBinary: binary() });
  if (choice.shell === 'download') {
    const timeoutMs = Number(process.env.UNDERLAY_ELECTRON_DOWNLOAD_TIMEOUT_MS) || DEFAULT_DOWNLOAD_TIMEOUT_MS;
    say(`fetching the Electron binary (first launch; at most ${Math.round(timeoutMs / 1000)} s)`);
    const fetched = await fetchElectron(root, timeoutMs);
    choice = chooseShell({ ...facts, electronBinary: fetched ? 'present' : 'unavailable' });
  }

  if (choice.shell === 'electron') {
    const executable = electronExecutable(root)!;
    const result = await runElectron(executable, join(root, 'out', 'main', 'main.js'), ['--workspace', workspaceDir, ...files]);
    if (!result.spawnError && !fallBackAfterExit(result)) return result.code ?? 0;
    say(`Electron could not start (${result.spawnError ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.code}`)}); using browser mode instead`);
  } else if (choice.shell === 'browser') {
    say(`browser mode: ${choice.reason}`);
  }

  // Ctrl+C is handled from before the URL is printed: a signal that arrives while browser mode
  // is still starting stops it as soon as it is up, instead of killing the process mid-start.
  let stopRequested: NodeJS.Signals | null = null;
  let stopNow: ((signal: NodeJS.Signals) => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopNow) stopNow(signal);
    else stopRequested = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const built = builtEntries(root);
  const { startBrowserMode } = await loadBrowserMode(built?.browserMode);
  const mode = await startBrowserMode({
    root,
    workerScript: built?.workerScript,
    workspaceDir,
    port: options.port,
    host: options.host,
    open: options.open,
    files,
    version: packageVersion(),
  });
  await new Promise<void>((done) => {
    let stopping = false;
    stopNow = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl+C: the user does not want to wait for the shutdown.
        process.exit(130);
      }
      stopping = true;
      say(`${signal}: stopping`);
      void mode.stop().then(done, (error: unknown) => {
        console.error(`underlay: shutdown failed: ${String(error)}`);
        done();
      });
    };
    if (stopRequested) stopNow(stopRequested);
  });
  return 0;
}

/**
 * Browser mode's code: the bundle when the build is current (one file, no compiling), else the
 * sources through tsx. Imported only here, so the Electron path never loads the host into this process.
 */
async function loadBrowserMode(bundle: string | undefined): Promise<typeof BrowserModeModule> {
  if (bundle) return (await import(pathToFileURL(bundle).href)) as typeof BrowserModeModule;
  return import('./browser-mode.ts');
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`underlay: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
