/**
 * What the applications share: the context a command runs in, GNU-style option parsing, and an
 * output helper that turns received bytes into lines.
 */
import { utf8Decode } from '../../../base/bytes.ts';
import type { Disposable } from '../../../base/event.ts';
import type { Guest } from '../guest.ts';
import type { Process } from '../shell.ts';
import type { TcpSocket } from '../tcp/index.ts';

export interface AppContext {
  readonly guest: Guest;
  readonly proc: Process;
  /** argv[0]. */
  readonly name: string;
  readonly args: readonly string[];
  /** Bytes piped in by `echo … |`, or null when standard input is the console (it never ends). */
  readonly stdin: Uint8Array | null;
}

export interface Command {
  /** One line for `help`. */
  readonly summary: string;
  run(ctx: AppContext): void;
}

// ---- getopt ----

export interface LongOption {
  /** The key the option is reported under (usually its short letter). */
  readonly key: string;
  readonly hasArg: boolean;
}

export interface ParsedArgs {
  /** Options in command-line order: [key, value] (value '' for flags). */
  readonly options: readonly (readonly [string, string])[];
  readonly operands: readonly string[];
  has(key: string): boolean;
  /** The last value given for `key`, or undefined. */
  value(key: string): string | undefined;
  values(key: string): string[];
}

export type GetoptError =
  | { readonly kind: 'invalid'; readonly option: string }
  | { readonly kind: 'missing'; readonly option: string };

/**
 * GNU getopt: `spec` lists short options, a letter followed by ':' takes an argument (`-c4` or
 * `-c 4`); flags cluster (`-uz`); operands and options may mix (permutation); `--` ends options.
 * `longs` maps long names to keys (`--max-time=5` or `--max-time 5`).
 */
export function getopt(args: readonly string[], spec: string, longs: Readonly<Record<string, LongOption>> = {}): ParsedArgs | GetoptError {
  const takesArg = new Map<string, boolean>();
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === ':') continue;
    takesArg.set(spec[i], spec[i + 1] === ':');
  }
  const options: [string, string][] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const long = longs[name];
      if (long === undefined) return { kind: 'invalid', option: a };
      if (long.hasArg) {
        if (eq >= 0) options.push([long.key, a.slice(eq + 1)]);
        else if (i + 1 < args.length) options.push([long.key, args[++i]]);
        else return { kind: 'missing', option: a };
      } else options.push([long.key, '']);
      continue;
    }
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const arg = takesArg.get(c);
      if (arg === undefined) return { kind: 'invalid', option: c };
      if (!arg) {
        options.push([c, '']);
        continue;
      }
      if (j + 1 < a.length) options.push([c, a.slice(j + 1)]);
      else if (i + 1 < args.length) options.push([c, args[++i]]);
      else return { kind: 'missing', option: c };
      break;
    }
  }
  return {
    options,
    operands,
    has: (key) => options.some(([k]) => k === key),
    value: (key) => {
      for (let i = options.length - 1; i >= 0; i--) if (options[i][0] === key) return options[i][1];
      return undefined;
    },
    values: (key) => options.filter(([k]) => k === key).map(([, v]) => v),
  };
}

export function isGetoptError(r: ParsedArgs | GetoptError): r is GetoptError {
  return 'kind' in r;
}

/** A decimal number (integer or with a fraction), or null. */
export function parseNumber(text: string | undefined): number | null {
  if (text === undefined || !/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return null;
  return Number(text);
}

/** A decimal integer, or null. */
export function parseInteger(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

// ---- output ----

/**
 * Turns received bytes into output lines: complete lines as they end ('\n', a preceding '\r' is
 * dropped), the unfinished rest at `flush`. Bytes are decoded as UTF-8 (invalid sequences show
 * as U+FFFD).
 */
export class LineOutput {
  private pending: Uint8Array[] = [];
  private pendingLen = 0;

  constructor(private readonly emit: (line: string) => void) {}

  push(bytes: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0x0a) continue;
      this.line(bytes.subarray(start, i));
      start = i + 1;
    }
    if (start < bytes.length) {
      this.pending.push(bytes.slice(start));
      this.pendingLen += bytes.length - start;
    }
  }

  /** Emits what is left of an unfinished line. */
  flush(): void {
    if (this.pendingLen === 0) return;
    this.line(new Uint8Array(0));
  }

  private line(tail: Uint8Array): void {
    let bytes = tail;
    if (this.pendingLen > 0) {
      bytes = new Uint8Array(this.pendingLen + tail.length);
      let at = 0;
      for (const p of this.pending) {
        bytes.set(p, at);
        at += p.length;
      }
      bytes.set(tail, at);
      this.pending = [];
      this.pendingLen = 0;
    }
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    this.emit(utf8Decode(bytes.subarray(0, end)));
  }
}

/** Milliseconds of virtual time, 3 decimals: `0.123`. */
export function ms3(ns: number): string {
  return (ns / 1e6).toFixed(3);
}

/** Well-known service names for the ports nc reports (`[tcp/http]`). */
export function serviceName(port: number, udp: boolean): string {
  const tcp: Record<number, string> = { 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'domain', 80: 'http', 110: 'pop3', 143: 'imap2', 443: 'https', 3306: 'mysql', 5432: 'postgresql', 6379: 'redis', 8080: 'http-alt' };
  const udpNames: Record<number, string> = { 53: 'domain', 67: 'bootps', 68: 'bootpc', 123: 'ntp', 161: 'snmp', 514: 'syslog' };
  return (udp ? udpNames[port] : tcp[port]) ?? '*';
}

// ---- sockets ----

/** Closes a TCP socket gracefully unless it is already closing or closed (never throws). */
export function closeQuietly(socket: TcpSocket): void {
  const st = socket.state;
  if (st === 'CLOSED' || st === 'TIME_WAIT' || st === 'FIN_WAIT_1' || st === 'FIN_WAIT_2' || st === 'CLOSING' || st === 'LAST_ACK') return;
  try {
    socket.close();
  } catch {
    // Already closing: nothing to do.
  }
}

/** What the kernel does with a process's sockets when it exits: close them (FIN, not RST). */
export function closeOnExit(socket: TcpSocket): Disposable {
  return { dispose: () => closeQuietly(socket) };
}
