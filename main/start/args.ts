/**
 * The options of `npm start` (and of the Electron app, which receives the same argv): the shell to
 * use, browser mode's port and bind address, the workspace, and files to open. Parsing is pure;
 * a bad option is a UsageError with the message to print.
 */
export interface StartOptions {
  /** --browser: skip Electron, serve the app to a browser. */
  readonly browser: boolean;
  /** --port N: browser mode's port (default: any free one). */
  readonly port?: number;
  /** --host ADDR: browser mode's bind address; only loopback addresses are accepted later. */
  readonly host?: string;
  /** --workspace DIR: the workspace folder (default: the per-user data folder, data-dir.ts). */
  readonly workspace?: string;
  /** --no-open: print the URL but do not open a browser. */
  readonly open: boolean;
  /** --no-build: use out/ as it is, even when stale. */
  readonly build: boolean;
  readonly help: boolean;
  /** Everything else that is not an option: topologies and captures to open. */
  readonly files: readonly string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const START_USAGE = `usage: npm start -- [options] [topology.yaml | capture.pcapng ...]

  --browser          serve the app to a browser on 127.0.0.1 instead of opening the Electron window
  --port N           browser mode's port (default: a free one)
  --host ADDR        browser mode's bind address (loopback only: 127.0.0.1 or ::1)
  --workspace DIR    the workspace folder (default: the per-user data folder)
  --no-open          browser mode: print the URL, do not open a browser
  --no-build         start from out/ as built, even when sources are newer
  --help             this text`;

export function parseStartArgs(argv: readonly string[]): StartOptions {
  let browser = false;
  let port: number | undefined;
  let host: string | undefined;
  let workspace: string | undefined;
  let open = true;
  let build = true;
  let help = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // --name=value and --name value are both accepted.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--browser':
        browser = true;
        break;
      case '--port':
        port = parsePort(value());
        break;
      case '--host':
        host = value();
        break;
      case '--workspace':
        workspace = value();
        break;
      case '--no-open':
        open = false;
        break;
      case '--no-build':
        build = false;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        // Chromium and Electron add switches of their own (--enable-logging, --inspect …) and
        // macOS adds -psn_…; they are not ours to refuse, and not files.
        if (arg.startsWith('-')) break;
        files.push(arg);
    }
  }
  return { browser, port, host, workspace, open, build, help, files };
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--port needs a number, not ${JSON.stringify(text)}`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UsageError(`--port must be between 1 and 65535, not ${port}`);
  return port;
}
