/**
 * The simulation as a service: what the app hosts in a worker and the CLI drives in-process. It
 * loads a topology document, builds the fabric, runs and steps virtual time, runs commands on
 * instances, and answers questions about captured frames and packet paths. Everything is plain
 * data in and out (no callbacks cross it except events), so one RPC contract can front it.
 *
 * Determinism: the same document, seed and sequence of calls give byte-identical captures.
 */
import { type Disposable, Emitter } from '../base/event.ts';
import { type ByteSink, collectingSink } from '../pcap/byte-sink.ts';
import { CaptureStore, type CaptureStoreOptions } from '../fabric/capture/capture-store.ts';
import type { CapturePointKind } from '../fabric/capture/capture-point.ts';
import { exportPcapng, type ExportOptions, type ExportResult } from '../fabric/capture/pcapng-export.ts';
import { tapPort } from '../fabric/capture/tap.ts';
import type { GuestProcess } from '../fabric/guest/index.ts';
import { Fabric, type FabricOptions } from '../fabric/world.ts';
import type { LinkDirectionConfig } from '../sim/link-config.ts';
import type { Port } from '../sim/port.ts';
import type { RunOutcome } from '../sim/simulator.ts';
import { loadTopology } from '../topology/index.ts';
import type { TopologyDiagnostic as Diagnostic } from '../topology/diagnostics.ts';
import { CaptureQuery } from './capture-query.ts';
import { PathRecorder } from './path-recorder.ts';

export interface SimulationOptions {
  readonly seed?: number;
  /** Capture at every port (default), only at ENIs, or not at all. */
  readonly capture?: 'all' | 'eni' | 'none';
  readonly captureStore?: CaptureStoreOptions;
  /** Record hop-by-hop paths per trace id (default true). */
  readonly paths?: boolean;
  readonly fabric?: Omit<FabricOptions, 'seed'>;
}

export type LoadOutcome = { readonly ok: true; readonly service: SimulationService } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface CommandOutput {
  readonly time: number;
  readonly instance: string;
  readonly pid: number;
  /** One line of output without its newline; null marks the process's exit. */
  readonly line: string | null;
  readonly exitCode: number | null;
}

export type ExecOutcome = { readonly ok: true; readonly pid: number } | { readonly ok: false; readonly error: string };

export class SimulationService implements Disposable {
  readonly captures: CaptureStore;
  readonly query: CaptureQuery;
  readonly paths: PathRecorder | null;
  private readonly output = new Emitter<CommandOutput>();
  /** Every line of command output, in order (the CLI prints them; the UI's consoles subscribe). */
  readonly onDidOutput = this.output.event;
  private readonly processes = new Map<number, { instance: string; process: GuestProcess }>();
  private readonly taps: Disposable[] = [];
  private nextPid = 1;

  /** Parses, validates and builds; every diagnostic at once when the document is not valid. */
  static load(text: string, options: SimulationOptions = {}): LoadOutcome {
    const loaded = loadTopology(text);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (!loaded.topology || errors.length > 0) return { ok: false, diagnostics: loaded.diagnostics };
    return { ok: true, service: new SimulationService(new Fabric(loaded.topology, { ...options.fabric, seed: options.seed ?? 1 }), options) };
  }

  constructor(
    readonly fabric: Fabric,
    options: SimulationOptions = {},
  ) {
    this.captures = new CaptureStore(options.captureStore);
    this.query = new CaptureQuery(this.captures);
    const mode = options.capture ?? 'all';
    if (mode !== 'none') this.tapPorts(mode);
    this.paths = options.paths === false ? null : new PathRecorder(fabric);
  }

  /** Virtual time now, in integer nanoseconds. */
  now(): number {
    return this.fabric.sim.now();
  }

  /** Runs events up to `untilNs` (all of them when omitted); see Simulator.run. */
  run(untilNs?: number): RunOutcome {
    return this.fabric.sim.run(untilNs);
  }

  step(events = 1): number {
    return this.fabric.sim.step(events);
  }

  pause(): void {
    this.fabric.sim.pause();
  }

  instances(): string[] {
    return [...this.fabric.instances.keys()];
  }

  /** Starts a command on an instance now; its output arrives on `onDidOutput`. */
  exec(instance: string, command: string): ExecOutcome {
    if (!this.fabric.instances.has(instance)) {
      const known = this.instances().join(', ');
      return { ok: false, error: `no instance named "${instance}" (instances: ${known})` };
    }
    const pid = this.nextPid++;
    const emit = (line: string | null, exitCode: number | null) => this.output.fire({ time: this.now(), instance, pid, line, exitCode });
    const process = this.fabric.exec(instance, command, { write: (line) => emit(line, null) });
    process.onExit((code) => {
      emit(null, code);
      this.processes.delete(pid);
    });
    if (process.running) this.processes.set(pid, { instance, process });
    return { ok: true, pid };
  }

  /** Stops a running command (like Ctrl-C). */
  kill(pid: number): boolean {
    const p = this.processes.get(pid);
    if (!p) return false;
    p.process.kill();
    return true;
  }

  running(): { pid: number; instance: string; command: string }[] {
    return [...this.processes].map(([pid, p]) => ({ pid, instance: p.instance, command: p.process.command }));
  }

  /** Writes every held frame (or a selection) as pcapng. */
  exportPcapng(sink: ByteSink, options?: ExportOptions): ExportResult {
    return exportPcapng(this.captures, sink, options);
  }

  /** The whole capture as pcapng bytes. */
  pcapngBytes(options?: ExportOptions): Uint8Array {
    const collected = collectingSink();
    exportPcapng(this.captures, collected.sink, options);
    return collected.bytes();
  }

  /** Changes both directions of a link by name (fault injection: down, loss, latency…). */
  configureLink(name: string, patch: Partial<LinkDirectionConfig>): void {
    const link = [...this.fabric.substrate.links, ...[...this.fabric.instances.values()].map((i) => i.link)].find((l) => l.name === name);
    if (!link) throw new Error(`no link named "${name}"`);
    link.configure(patch);
  }

  dispose(): void {
    for (const t of this.taps) t.dispose();
    this.paths?.dispose();
    this.output.dispose();
  }

  private tapPorts(mode: 'all' | 'eni'): void {
    const clock = this.fabric.sim;
    const tap = (port: Port, kind: CapturePointKind, description: string, deliverOnTransmit = false) => {
      const id = this.captures.addPoint({ name: port.name, description, kind });
      this.taps.push(tapPort(this.captures, id, port, { clock, deliverOnTransmit }));
    };
    for (const [name, handle] of this.fabric.instances) tap(handle.eni.port, 'eni', `ENI of ${name} on its Nitro card (decapsulated)`, true);
    if (mode === 'eni') return;
    for (const [host, a] of this.fabric.substrate.hosts) tap(a.port, 'host', `Nitro card of ${host}: underlay port (encapsulated)`);
    for (const sw of [...this.fabric.substrate.tors, ...this.fabric.substrate.spines]) {
      for (const { port } of sw.ports) tap(port, sw.kind, `${sw.kind === 'tor' ? 'ToR' : 'spine'} ${sw.name} port to ${port.peer.name.split(':')[0]}`);
    }
  }
}
