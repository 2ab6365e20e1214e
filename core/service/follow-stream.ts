/**
 * Follow TCP Stream (Wireshark's Analyze → Follow): the payload of one TCP conversation in order,
 * each segment marked as the client's (who sent the conversation's first frame) or the server's.
 *
 * One packet crosses several capture points here, and every copy carries the same conversation, so
 * the stream is followed at the capture point of the frame it was asked from: each segment once,
 * as that point saw it. The conversation is `tcp.stream` from the capture's first pass, found with
 * the list's own cached filter scan.
 */
import { fieldIdLimit, type FieldDef } from '../dissect/field.ts';
import { FilterSink } from '../dissect/sink.ts';
import type { CaptureQuery } from './capture-query.ts';

/** Segments and bytes returned at most (a bulk transfer is cut, and says so). */
export const MAX_FOLLOW_SEGMENTS = 5000;
export const MAX_FOLLOW_BYTES = 1024 * 1024;

export interface FollowSegment {
  readonly frame: number;
  readonly fromClient: boolean;
  /** The payload as Wireshark's ASCII view shows it: printable bytes, CR/LF/tab kept, others '.'. */
  readonly text: string;
  readonly bytes: number;
}

export interface FollowedStream {
  readonly stream: number;
  /** The capture point followed at. */
  readonly point: string;
  /** `address:port` of each side. */
  readonly client: string;
  readonly server: string;
  readonly segments: FollowSegment[];
  readonly clientBytes: number;
  readonly serverBytes: number;
  /** Frames of the conversation at this point (with or without payload). */
  readonly frames: number;
  readonly truncated: boolean;
}

export function followTcpStream(query: CaptureQuery, frame: number): FollowedStream | null {
  const f = (abbrev: string): FieldDef => {
    const def = query.fields.get(abbrev);
    if (!def) throw new Error(`the registry has no ${abbrev}`);
    return def;
  };
  const fields = { stream: f('tcp.stream'), payload: f('tcp.payload'), src: f('ip.src'), dst: f('ip.dst'), sport: f('tcp.srcport'), dport: f('tcp.dstport') };
  const sink = new FilterSink(Object.values(fields), fieldIdLimit());
  if (!query.dissectInto(frame, sink) || sink.count(fields.stream) === 0) return null;
  const stream = Number(sink.value(fields.stream, sink.count(fields.stream) - 1));
  const store = query.store;
  const pointId = store.pointOf(frame);

  const found = query.matchesOf(`tcp.stream == ${stream}`);
  if ('error' in found) return null;
  // The innermost IP header is the conversation's (an underlay frame has the outer one first).
  const last = (def: FieldDef) => {
    const c = sink.count(def);
    return c === 0 ? null : sink.value(def, c - 1);
  };
  let client = '';
  let server = '';
  const segments: FollowSegment[] = [];
  let clientBytes = 0;
  let serverBytes = 0;
  let frames = 0;
  let truncated = false;
  for (const n of found.matches) {
    if (n < store.firstAvailable || store.pointOf(n) !== pointId) continue;
    if (!query.dissectInto(n, sink)) continue;
    frames++;
    const from = `${address(last(fields.src))}:${String(last(fields.sport))}`;
    if (client === '') {
      client = from;
      server = `${address(last(fields.dst))}:${String(last(fields.dport))}`;
    }
    const payloads = sink.count(fields.payload);
    if (payloads === 0) continue;
    const bytes = sink.bytesOf(fields.payload, payloads - 1);
    if (segments.length >= MAX_FOLLOW_SEGMENTS || clientBytes + serverBytes + bytes.length > MAX_FOLLOW_BYTES) {
      truncated = true;
      continue; // keep counting frames
    }
    const fromClient = from === client;
    if (fromClient) clientBytes += bytes.length;
    else serverBytes += bytes.length;
    segments.push({ frame: n, fromClient, text: asciiView(bytes), bytes: bytes.length });
  }
  return { stream, point: store.point(pointId).name, client, server, segments, clientBytes, serverBytes, frames, truncated };
}

function address(v: unknown): string {
  if (typeof v === 'number') return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  return String(v);
}

function asciiView(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b === 10 || b === 13 || b === 9 || (b >= 32 && b < 127) ? String.fromCharCode(b) : '.';
  return out;
}
