/**
 * Instance consoles: one shell session per instance, each with a line editor, the process it is
 * running (one at a time, as at a real prompt) and a terminal once its tab has been shown. Commands
 * go to the simulation contract's `exec`; Ctrl+C is `kill`; output comes back as `output` events
 * and is written to the session of the instance that printed it. Before a session's terminal
 * exists its output is kept (bounded) and written when the terminal opens.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { Disposable } from '../../../core/base/event.ts';
import type { CommandOutput } from '../../../core/contract/simulation.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { useConnectionStore } from '../stores/connection.ts';
import { useSimulationStore } from '../stores/simulation.ts';
import { LineEditor } from './line-editor.ts';
import type { TerminalLike } from './terminal.ts';

/** Characters kept for a console whose terminal is not open yet. */
export const MAX_BACKLOG_CHARS = 256 * 1024;
/** Lines of plain-text transcript kept per console (the screen-reader log beside the terminal). */
export const MAX_TRANSCRIPT_LINES = 500;

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/**
 * Commands the guest does not have under the name people type, run as the guest's equivalent.
 * `arp -n` is net-tools; the guest has iproute2's `ip neigh`, which shows the same ARP cache.
 */
const ALIASES: readonly { readonly match: RegExp; readonly to: string; readonly note: string }[] = [
  { match: /^arp(\s+-n)?\s*$/, to: 'ip neigh', note: 'arp: this guest has iproute2; running "ip neigh" (the same ARP cache)' },
];

export class ConsoleSession {
  readonly editor: LineEditor;
  /** Pid of the command running now, or null at the prompt. */
  pid: number | null = null;
  private terminal: TerminalLike | null = null;
  private backlog = '';
  /** Exits that arrived before exec answered with their pid. */
  private readonly early = new Set<number>();
  private starting = false;
  private hinted = false;

  constructor(
    readonly instance: string,
    private readonly actions: { exec(instance: string, command: string): Promise<number | string>; kill(pid: number): Promise<void>; playing(): boolean },
    private readonly onChange: () => void,
    /** A line for the plain-text transcript (commands as `$ command`, output as printed). */
    private readonly onTranscript: (line: string) => void = () => {},
  ) {
    this.editor = new LineEditor(
      {
        write: (t) => this.write(t),
        submit: (line) => void this.run(line),
        interrupt: () => void this.interrupt(),
        clearScreen: () => this.clear(),
      },
      `\x1b[1;32m${instance}\x1b[0m:~$ `,
    );
    this.write(`${DIM}Console of ${instance}. Commands: ping, traceroute, curl, nc, ip addr, ip route, ip neigh, ss, help.${RESET}\r\n`);
    this.editor.showPrompt();
  }

  get running(): boolean {
    return this.pid !== null || this.starting;
  }

  attach(terminal: TerminalLike): void {
    this.terminal = terminal;
    if (this.backlog) terminal.write(this.backlog);
    this.backlog = '';
  }

  detach(): void {
    this.terminal = null;
  }

  write(text: string): void {
    if (this.terminal) this.terminal.write(text);
    else {
      this.backlog += text;
      if (this.backlog.length > MAX_BACKLOG_CHARS) this.backlog = this.backlog.slice(this.backlog.length - MAX_BACKLOG_CHARS);
    }
  }

  clear(): void {
    this.backlog = '';
    this.terminal?.clear();
  }

  /** One line of output of this instance (from any of its processes). */
  output(o: CommandOutput): void {
    if (o.line !== null) {
      this.write(`${o.line}\r\n`);
      this.onTranscript(o.line);
      return;
    }
    if (this.starting) {
      this.early.add(o.pid);
      return;
    }
    if (o.pid === this.pid) this.exited(o.exitCode);
  }

  private exited(code: number | null): void {
    this.pid = null;
    // As a shell with $? in its prompt would: say so only when it failed (130 is Ctrl+C's, shown as ^C).
    if (code !== 0 && code !== 130 && code !== null) this.write(`${DIM}[exit ${code}]${RESET}\r\n`);
    this.onChange();
    this.editor.showPrompt();
  }

  private async run(line: string): Promise<void> {
    let command = line.trim();
    if (command === '') return this.editor.showPrompt();
    this.onTranscript(`$ ${command}`);
    if (command === 'clear') {
      this.clear();
      return this.editor.showPrompt();
    }
    for (const a of ALIASES) {
      if (a.match.test(command)) {
        this.write(`${DIM}${a.note}${RESET}\r\n`);
        command = a.to;
      }
    }
    this.starting = true;
    this.onChange();
    const r = await this.actions.exec(this.instance, command);
    this.starting = false;
    if (typeof r === 'string') {
      this.write(`${RED}${r}${RESET}\r\n`);
      this.onTranscript(r);
      this.onChange();
      return this.editor.showPrompt();
    }
    this.pid = r;
    if (!this.hinted && !this.actions.playing()) {
      this.hinted = true;
      this.write(`${DIM}(its output comes as virtual time runs: Play or Step in the simulation controls)${RESET}\r\n`);
    }
    if (this.early.delete(r)) this.exited(null);
    this.early.clear();
    this.onChange();
  }

  private async interrupt(): Promise<void> {
    if (this.pid !== null) await this.actions.kill(this.pid);
  }
}

export const useConsolesStore = defineStore('consoles', () => {
  const connection = useConnectionStore();
  const simulation = useSimulationStore();
  const sessions = new Map<string, ConsoleSession>();
  /** The tab shown. */
  const active = ref<string | null>(null);
  /** Per instance: whether a command runs there (for the tabs' marks). */
  const running = reactive(new Map<string, boolean>());
  /** Plain-text transcript per instance, published once per burst of lines. */
  const transcripts = shallowRef<ReadonlyMap<string, readonly string[]>>(new Map());
  let pendingLines: [string, string][] = [];
  function transcribe(instance: string, line: string): void {
    pendingLines.push([instance, line]);
    if (pendingLines.length === 1) queueMicrotask(flushTranscripts);
  }
  function flushTranscripts(): void {
    const next = new Map(transcripts.value);
    for (const [instance, line] of pendingLines) {
      const lines = [...(next.get(instance) ?? []), line];
      next.set(instance, lines.length > MAX_TRANSCRIPT_LINES ? lines.slice(lines.length - MAX_TRANSCRIPT_LINES) : lines);
    }
    pendingLines = [];
    transcripts.value = next;
  }
  const error = ref<string | null>(null);
  /** Bumped when every session starts over (a new world), so open terminals attach again. */
  const epoch = ref(0);
  /** Set by the simulation mode's play state; lets the console say when time is not moving. */
  const isPlaying = ref<() => boolean>(() => false);
  const api = computed(() => connection.clients?.simulation.api ?? null);
  let subscriptions: Disposable[] = [];

  const actions = {
    async exec(instance: string, command: string): Promise<number | string> {
      const a = api.value;
      if (!a) return 'not connected to the Underlay host';
      try {
        const r = await a.exec(instance, command);
        error.value = null;
        return r.ok ? r.pid : r.error;
      } catch (e) {
        return describeCallError('Running the command', e);
      }
    },
    async kill(pid: number): Promise<void> {
      try {
        await api.value?.kill(pid);
      } catch (e) {
        error.value = describeCallError('Stopping the command', e);
      }
    },
    playing: () => isPlaying.value(),
  };

  function session(instance: string): ConsoleSession {
    let s = sessions.get(instance);
    if (!s) {
      const created = new ConsoleSession(instance, actions, () => running.set(instance, created.running), (line) => transcribe(instance, line));
      sessions.set(instance, created);
      s = created;
    }
    return s;
  }

  watch(
    () => connection.generation,
    () => {
      for (const s of subscriptions) s.dispose();
      const client = connection.clients?.simulation;
      subscriptions = client ? [client.events.output((o) => sessions.get(o.instance)?.output(o))] : [];
    },
    { immediate: true },
  );

  // A load that built (diagnostics are new and point into the loaded text) is a new world: fresh
  // sessions, since old pids mean nothing there.
  watch(
    () => simulation.diagnostics,
    () => {
      if (simulation.diagnosedText !== simulation.loadedText) return;
      for (const s of sessions.values()) s.detach();
      sessions.clear();
      running.clear();
      pendingLines = [];
      transcripts.value = new Map();
      epoch.value++;
    },
  );
  // Keep a valid tab selected as instances come and go.
  watch(
    () => simulation.instances,
    (names) => {
      for (const name of [...sessions.keys()]) {
        if (!names.includes(name)) {
          sessions.get(name)!.detach();
          sessions.delete(name);
          running.delete(name);
        }
      }
      if (active.value === null || !names.includes(active.value)) active.value = names[0] ?? null;
    },
    { immediate: true },
  );

  /** Types `line` into an instance's console and submits it (the accessible command form). */
  function enter(instance: string, line: string): void {
    active.value = instance;
    session(instance).editor.enter(line);
  }

  return { active, running, transcripts, error, epoch, isPlaying, session, enter };
});
