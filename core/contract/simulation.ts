/**
 * The simulation service as seen across a process boundary: what the renderer asks the fabric
 * worker (through main's validating relay), declared once. The shapes are the service's own
 * (`import type` only: nothing of the service runs here); what this file adds is the argument
 * validators, the bounds and the list of buffers each result hands over.
 *
 * Methods return plain values here; the RPC client makes them promises, and an implementation may
 * return either.
 */
import type { FilterError } from '../filter/error.ts';
import type { CapturePage, FrameDetail } from '../service/capture-query.ts';
import type { ListPage, ListQuery, ListRow, SortColumn } from '../service/capture-list.ts';
import { SORT_COLUMNS } from '../service/capture-list.ts';
import type { LensFrame, TraceLens } from '../service/capture-lens.ts';
import type { CaptureInfo, CapturePointInfo, ExportSelection, SelectionExport } from '../service/capture-view.ts';
import type { FramePage } from '../service/frame-page.ts';
import type { ColoringRule } from '../service/coloring.ts';
import type { ExpertEntry, ExpertSummary } from '../service/expert-summary.ts';
import type { FollowedStream, FollowSegment } from '../service/follow-stream.ts';
import type { CompletionResult } from '../filter/complete.ts';
import type { CommandOutput, ExecOutcome } from '../service/simulation-service.ts';
import type { EventLogPage, LoggedEvent, PacketInFlightRecord, TapCount } from '../service/event-log.ts';
import type { TraceHop, TracePath } from '../service/trace-path.ts';
import type { RunOutcome } from '../sim/simulator.ts';
import type { TopologyDiagnostic } from '../topology/diagnostics.ts';
import { MAX_CAPTURE_POINTS, MAX_COMMAND_CHARS, MAX_FILTER_CHARS, MAX_NAME_CHARS, MAX_PAGE_ROWS, MAX_STEP_EVENTS, MAX_TOPOLOGY_CHARS } from './limits.ts';
import type { Contract, EventSpecs, MethodSpecs } from './spec.ts';
import { actionSchema, checkSchema, type LabAction, type LabCheck } from '../lab/schema.ts';
import type { LabCheckOutcome } from './labs.ts';
import { z } from './zod.ts';

export type { EventLogPage, LoggedEvent, PacketInFlightRecord, StepToPacketResult, TapCount, TraceHop, TracePath };
export type {
  CaptureInfo,
  CapturePointInfo,
  ColoringRule,
  CompletionResult,
  ExpertEntry,
  ExpertSummary,
  ExportSelection,
  FollowedStream,
  FollowSegment,
  FramePage,
  LensFrame,
  ListPage,
  ListQuery,
  ListRow,
  SelectionExport,
  SortColumn,
  TraceLens,
};
export type { CapturePage, CommandOutput, ExecOutcome, FilterError, FrameDetail, RunOutcome, TopologyDiagnostic };

export interface LoadResult {
  /** True when the topology was built (warnings may still be present). */
  readonly ok: boolean;
  readonly diagnostics: readonly TopologyDiagnostic[];
}

export type FilterCheck = { readonly ok: true } | { readonly ok: false; readonly error: FilterError };

/** Pushed whenever time moves or the run state changes; coalesced to the latest. */
export interface SimulationStatus {
  /** Virtual time, integer nanoseconds. */
  readonly time: number;
  readonly running: boolean;
  /** Frames captured so far. */
  readonly frames: number;
}

/** What `stepToPacket` did: kernel events executed, and whether one of them was a packet event. */
interface StepToPacketResult {
  readonly events: number;
  readonly found: boolean;
}

export interface SimulationApi {
  /** Replaces the running simulation with a new one built from a topology document (YAML or JSON). */
  load(topologyText: string, seed?: number): LoadResult;
  /** Runs virtual time up to `untilNs` (until idle when omitted). */
  run(untilNs?: number): RunOutcome;
  /** Executes up to `events` events; returns how many ran. */
  step(events: number): number;
  pause(): void;
  /** Virtual time now, integer nanoseconds. */
  now(): number;
  instances(): string[];
  /** Starts a command on an instance; its output arrives as `output` events. */
  exec(instance: string, command: string): ExecOutcome;
  /** Stops a running command; false when no such process runs. */
  kill(pid: number): boolean;
  /** One bounded page of the packet list, optionally filtered. */
  capturePage(offset: number, count: number, filter?: string): CapturePage;
  /** The detail tree of one frame, or null when it is not held. */
  frameDetail(frame: number): FrameDetail | null;
  /** A copy of one frame's bytes, or null when it is not held. */
  frameHex(frame: number): Uint8Array | null;
  /** Whether a display filter compiles, and where it fails when it does not. */
  filterCheck(expression: string): FilterCheck;
  /** The whole capture as a pcapng file. */
  exportPcapng(): Uint8Array;
  // ---- simulation mode (core/service/event-log.ts)
  /** One bounded page of the event list (packet events and card decisions), from sequence `offset`. */
  eventLog(offset: number, count: number): EventLogPage;
  /** Steps kernel events one at a time until one transmits, receives or drops a packet (at most `maxEvents`). */
  stepToPacket(maxEvents: number): StepToPacketResult;
  /** One trace's hops from the path recorder (at most MAX_TRACE_HOPS, core/service/trace-path.ts). */
  tracePath(traceId: number): TracePath;
  /** Packets on a link now (for the animation), at most MAX_IN_FLIGHT. */
  inFlight(): PacketInFlightRecord[];
  /** Tapped ports with their frame counts (capture badges). */
  taps(): TapCount[];

  // ---- the capture view (core/service/capture-view.ts)
  /** A bounded page of the packet list: filtered, by capture point, sorted; rows coloured and timed. */
  captureList(query: ListQuery): ListPage;
  /**
   * The same entries as `captureList` as one binary page (core/service/frame-page.ts): per entry
   * its frame number, time, displayed delta, capture point, trace, verdict, lengths and the frame
   * bytes, in one transferred buffer (at most MAX_PAGE_FRAME_BYTES of frames; `covered` says how
   * far it got). No row is built: the renderer builds the rows it draws (core/service/frame-rows.ts).
   */
  captureFrames(query: ListQuery): FramePage;
  /** The list's rows of chosen held frames (those whose columns need cross-frame state), in that order. */
  captureRows(frames: number[]): ListRow[];
  /** Capture points with their frame counts, and the coloring rules rows index into. */
  captureInfo(): CaptureInfo;
  /** Every frame of the frame's trace at every capture point (the encapsulation lens). */
  traceLens(frame: number): TraceLens | null;
  /** Follow TCP Stream from a frame, at its capture point; null when it is not TCP. */
  followStream(frame: number): FollowedStream | null;
  /** Expert items over the held frames, by severity, with the frames of each. */
  expertSummary(): ExpertSummary;
  /** Filter-bar completion at `cursor`, from the field registry. */
  filterComplete(text: string, cursor: number): CompletionResult;
  /** The displayed frames (a filter) and/or chosen capture points as a pcapng file. */
  exportSelection(selection: ExportSelection): SelectionExport;

  // ---- guided labs (core/lab; main/host/lab-service.ts reads the lab, the worker grades)
  /** Evaluates a lab's checks (its variables already filled in) on the evidence of the live world. */
  labCheck(checks: LabCheck[]): LabCheckOutcome[];
  /** Plays a lab's scenario into the live world at its actions' times; the actions it cannot apply, in words. */
  labScenario(actions: LabAction[]): string[];
}

export interface SimulationEvents {
  readonly output: CommandOutput;
  readonly status: SimulationStatus;
}

/** Checks in one labCheck call (a lab document holds at most 50). */
const MAX_LAB_CHECKS = 50;
/** Scenario actions in one labScenario call. */
const MAX_LAB_ACTIONS = 500;
const time = z.int().min(0);
const frameNumber = z.int().min(1);
const instanceName = z.string().min(1).max(MAX_NAME_CHARS);
const listQuery = z.object({
  offset: z.int().min(0),
  count: z.int().min(0).max(MAX_PAGE_ROWS),
  filter: z.optional(z.string().max(MAX_FILTER_CHARS)),
  points: z.optional(z.array(z.int().min(0)).max(MAX_CAPTURE_POINTS)),
  sort: z.optional(z.object({ column: z.enum(SORT_COLUMNS as [SortColumn, ...SortColumn[]]), descending: z.boolean() })),
});
/** Frames in one captureRows call (a screen of rows needs tens). */
const MAX_ROWS_ASKED = 1000;

const simulationMethods = {
  load: { args: z.tuple([z.string().max(MAX_TOPOLOGY_CHARS), z.optional(z.int().min(0).max(0xffff_ffff))]) },
  run: { args: z.tuple([z.optional(time)]) },
  step: { args: z.tuple([z.int().min(1).max(MAX_STEP_EVENTS)]) },
  pause: { args: z.tuple([]) },
  now: { args: z.tuple([]) },
  instances: { args: z.tuple([]) },
  exec: { args: z.tuple([instanceName, z.string().min(1).max(MAX_COMMAND_CHARS)]) },
  kill: { args: z.tuple([z.int().min(1)]) },
  capturePage: { args: z.tuple([z.int().min(0), z.int().min(0).max(MAX_PAGE_ROWS), z.optional(z.string().max(MAX_FILTER_CHARS))]) },
  frameDetail: {
    args: z.tuple([frameNumber]),
    transfer: (detail) => detail?.sources.map((s) => s.bytes) ?? [],
  },
  frameHex: { args: z.tuple([frameNumber]), transfer: (bytes) => (bytes ? [bytes] : []) },
  filterCheck: { args: z.tuple([z.string().max(MAX_FILTER_CHARS)]) },
  exportPcapng: { args: z.tuple([]), transfer: (bytes) => [bytes] },
  eventLog: { args: z.tuple([z.int().min(0), z.int().min(0).max(MAX_PAGE_ROWS)]) },
  stepToPacket: { args: z.tuple([z.int().min(1).max(MAX_STEP_EVENTS)]) },
  tracePath: { args: z.tuple([z.int().min(1)]) },
  inFlight: { args: z.tuple([]) },
  taps: { args: z.tuple([]) },
  captureList: { args: z.tuple([listQuery]) },
  captureFrames: { args: z.tuple([listQuery]), transfer: (page) => [page.data] },
  captureRows: { args: z.tuple([z.array(frameNumber).max(MAX_ROWS_ASKED)]) },
  captureInfo: { args: z.tuple([]) },
  traceLens: { args: z.tuple([frameNumber]) },
  followStream: { args: z.tuple([frameNumber]) },
  expertSummary: { args: z.tuple([]) },
  filterComplete: { args: z.tuple([z.string().max(MAX_FILTER_CHARS), z.int().min(0).max(MAX_FILTER_CHARS)]) },
  exportSelection: {
    args: z.tuple([z.object({ filter: z.optional(z.string().max(MAX_FILTER_CHARS)), points: z.optional(z.array(z.int().min(0)).max(MAX_CAPTURE_POINTS)) })]),
    transfer: (r) => (r.ok ? [r.bytes] : []),
  },
  labCheck: { args: z.tuple([z.array(checkSchema).min(1).max(MAX_LAB_CHECKS)]) },
  labScenario: { args: z.tuple([z.array(actionSchema).max(MAX_LAB_ACTIONS)]) },
} satisfies MethodSpecs<SimulationApi>;

const simulationEvents = {
  // Command output is read line by line: keep every line, but bound a window's backlog (a flood
  // ping at full speed can print faster than any console can show).
  output: { coalesce: 'queue', maxQueued: 5000 },
  status: { coalesce: 'latest' },
} satisfies EventSpecs<SimulationEvents>;

export const simulationContract: Contract<SimulationApi, SimulationEvents> = {
  name: 'simulation',
  methods: simulationMethods,
  events: simulationEvents,
};
