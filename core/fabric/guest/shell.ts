/**
 * A tiny shell: `exec(commandLine)` tokenises like sh (whitespace, '…', "…", backslash escapes),
 * supports the one pipeline form the lab needs — `echo text | command`, which feeds
 * `text\n` to the command's standard input — and runs the command as a `GuestProcess` whose
 * output lines go to `ProcessIo.write` (one call per line, without the newline).
 *
 * Exit codes follow the shell: 127 for an unknown command, 2 for a syntax error, 130 for a
 * process stopped by `kill()` (Ctrl-C) unless the program handles it (ping prints its statistics).
 */
import { utf8Encode } from '../../base/bytes.ts';
import { type Disposable, DisposableStore, toDisposable } from '../../base/event.ts';
import type { EventId } from '../../sim/simulator.ts';
import { type AppContext, COMMANDS } from './apps/index.ts';
import type { Guest } from './guest.ts';

export interface ProcessIo {
  /** One output line, without its newline. */
  write(text: string): void;
  /** Called once when the process ends. */
  exit?(code: number): void;
}

export interface GuestProcess {
  readonly pid: number;
  readonly command: string;
  readonly running: boolean;
  readonly exitCode: number | null;
  /** Like Ctrl-C: the program stops (ping still prints its statistics). */
  kill(): void;
  /** Runs `cb` when the process ends — at once when it already has. */
  onExit(cb: (code: number) => void): Disposable;
}

const FIRST_PID = 1001;

export class Process implements GuestProcess {
  running = true;
  exitCode: number | null = null;
  /** The program's Ctrl-C handler; without one, `kill()` ends the process with 130. */
  onKill: (() => void) | null = null;
  /** Sockets, lookups and timers the process holds: disposed when it exits. */
  readonly resources = new DisposableStore();
  private readonly exitListeners = new Set<(code: number) => void>();
  private exiting = false;

  constructor(
    readonly guest: Guest,
    readonly pid: number,
    readonly command: string,
    private readonly io: ProcessIo,
  ) {}

  /** Writes one output line (dropped once the process has ended). */
  print(line: string): void {
    if (this.running) this.io.write(line);
  }

  /**
   * Ends the process with `code`: its resources are disposed first (they may still print, e.g. a
   * last unfinished line), then exit listeners run.
   */
  exit(code: number): void {
    if (!this.running || this.exiting) return;
    this.exiting = true;
    this.exitCode = code;
    this.resources.dispose();
    this.running = false;
    this.guest.shell.ended(this);
    this.io.exit?.(code);
    const listeners = [...this.exitListeners];
    this.exitListeners.clear();
    for (const cb of listeners) cb(code);
  }

  kill(): void {
    if (!this.running || this.exiting) return;
    if (this.onKill !== null) this.guard(this.onKill);
    else this.exit(130);
  }

  onExit(cb: (code: number) => void): Disposable {
    if (!this.running) {
      cb(this.exitCode!);
      return toDisposable(() => {});
    }
    this.exitListeners.add(cb);
    return toDisposable(() => this.exitListeners.delete(cb));
  }

  /** Keeps `d` until the process exits. */
  own<T extends Disposable>(d: T): T {
    return this.resources.add(d);
  }

  /** Runs `fn` after `delayNs` of virtual time unless the process has ended by then. */
  timer(delayNs: number, fn: () => void): EventId {
    const id = this.guest.sim.call(Math.max(0, Math.round(delayNs)), () => {
      if (this.running && !this.exiting) this.guard(fn);
    });
    this.own(toDisposable(() => this.guest.sim.cancel(id)));
    return id;
  }

  cancelTimer(id: EventId): void {
    this.guest.sim.cancel(id);
  }

  /** Runs program code; an exception ends the process with status 1 instead of escaping. */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.print(`${this.command.split(' ')[0]}: internal error: ${e instanceof Error ? e.message : String(e)}`);
      this.exit(1);
    }
  }
}

/** A token of the command line: a word, or the `|` operator. */
interface Token {
  readonly text: string;
  readonly pipe: boolean;
}

/** Splits a command line like sh; returns an error message for unterminated quotes. */
export function tokenize(line: string): Token[] | string {
  const out: Token[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) out.push({ text: cur, pipe: false });
      cur = '';
      inWord = false;
    } else if (c === '|') {
      if (inWord) out.push({ text: cur, pipe: false });
      cur = '';
      inWord = false;
      out.push({ text: '|', pipe: true });
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return 'unterminated quoted string';
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j++;
        cur += line[j];
      }
      if (j >= line.length) return 'unterminated quoted string';
      i = j;
    } else if (c === '\\') {
      if (i + 1 < line.length) cur += line[++i];
      inWord = true;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push({ text: cur, pipe: false });
  return out;
}

export class Shell {
  private nextPid = FIRST_PID;
  private readonly live = new Map<number, Process>();

  constructor(private readonly guest: Guest) {}

  /** Processes still running, by pid. */
  processes(): Process[] {
    return [...this.live.values()];
  }

  exec(commandLine: string, io: ProcessIo): GuestProcess {
    const proc = new Process(this.guest, this.nextPid++, commandLine.trim(), io);
    this.live.set(proc.pid, proc);
    proc.guard(() => this.run(proc, commandLine));
    return proc;
  }

  /** @internal Called by Process.exit. */
  ended(proc: Process): void {
    this.live.delete(proc.pid);
  }

  private run(proc: Process, line: string): void {
    const tokens = tokenize(line);
    if (typeof tokens === 'string') {
      proc.print(`sh: syntax error: ${tokens}`);
      return proc.exit(2);
    }
    if (tokens.length === 0) return proc.exit(0);
    const stages: string[][] = [[]];
    for (const t of tokens) {
      if (t.pipe) stages.push([]);
      else stages[stages.length - 1].push(t.text);
    }
    if (stages.some((s) => s.length === 0)) {
      proc.print(`sh: syntax error near unexpected token \`|'`);
      return proc.exit(2);
    }
    let stdin: Uint8Array | null = null;
    if (stages.length > 2 || (stages.length === 2 && stages[0][0] !== 'echo')) {
      proc.print('sh: only `echo text | command` pipelines are supported');
      return proc.exit(2);
    }
    if (stages.length === 2) {
      stdin = utf8Encode(echoText(stages[0].slice(1)));
      stages.shift();
    }
    const [name, ...args] = stages[0];
    const main = COMMANDS.get(name);
    if (main === undefined) {
      proc.print(`${name}: command not found`);
      return proc.exit(127);
    }
    const ctx: AppContext = { guest: this.guest, proc, name, args, stdin };
    main.run(ctx);
  }
}

/** What `echo [-n] words…` writes. */
export function echoText(args: readonly string[]): string {
  let newline = true;
  let i = 0;
  while (i < args.length && args[i] === '-n') {
    newline = false;
    i++;
  }
  return args.slice(i).join(' ') + (newline ? '\n' : '');
}
