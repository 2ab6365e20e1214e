/**
 * How an RPC message travels over a WebSocket, which carries text or bytes but not structured
 * clones. A message without byte arrays goes as one text frame of JSON. A message with byte arrays
 * goes as one binary frame: the JSON with each Uint8Array replaced by a marker {"$bin": i}, then
 * the arrays themselves, unencoded (no base64 inflation for pcapng exports and frame bytes).
 *
 * Binary layout (little-endian u32s):
 *   u8 version (1) · u32 part count n · n × u32 part length · u32 JSON length · JSON (UTF-8) · parts
 *
 * Encoding walks the message once to find the byte arrays (plain data: a copy is made only of the
 * objects and arrays on the way to one), then lets JSON.stringify run without a replacer. A sender
 * that can send one message in several WebSocket fragments (`ws`) takes `encodeFrameChunks`: the
 * frame as a list whose large parts are the caller's own arrays, not copied; `encodeFrame` joins
 * them (the DOM's WebSocket sends one buffer).
 *
 * Decoding checks every length against the frame and never throws: a bad frame comes back as a
 * MalformedFrame for the RPC to answer. Markers are only honoured inside binary frames and only for
 * parts that exist; a plain object carrying the reserved key is refused when encoding, so data can
 * never be mistaken for a marker. A large part comes back as a view into the received frame (a
 * page of frame bytes is not copied again); a small one is copied into its own buffer, so keeping
 * it does not keep the whole frame.
 */
import { MalformedFrame } from './port.ts';

const VERSION = 1;
const BIN = '$bin';
/** More parts than any message of ours has; bounds the header a peer can make us read. */
const MAX_PARTS = 65_536;
/** Deeper than any message of ours; a cyclic one stops here instead of exhausting the stack. */
const MAX_DEPTH = 256;
/** Parts at least this long are sent as their own chunk and decoded as views, never copied. */
export const SEPARATE_PART_BYTES = 16 * 1024;

const encoder = new TextEncoder();
/** Stateless between calls (no streaming), so one serves every frame. */
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The frame of `message`: JSON text, or the binary frame in one array. */
export function encodeFrame(message: unknown): string | Uint8Array {
  const chunks = encodeFrameChunks(message);
  return typeof chunks === 'string' ? chunks : join(chunks);
}

/**
 * The frame of `message`: JSON text, or the binary frame as chunks to be sent one after the other
 * as a single message. Parts of at least SEPARATE_PART_BYTES are chunks of their own (the caller's
 * arrays, not copied); the header, the JSON and smaller parts are joined into the chunks between.
 */
export function encodeFrameChunks(message: unknown): string | Uint8Array[] {
  const parts: Uint8Array[] = [];
  const marked = withMarkers(message, '', parts, 0);
  const json = JSON.stringify(marked);
  if (json === undefined) throw new Error('message is not serializable');
  if (parts.length === 0) return json;

  const text = encoder.encode(json);
  const chunks: Uint8Array[] = [];
  // Small pieces are gathered into `pending` (header first) and joined when a large part or the end comes.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length > 0) chunks.push(pending.length === 1 ? pending[0] : join(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
  };
  const head = new Uint8Array(1 + 4 + 4 * parts.length + 4);
  const view = new DataView(head.buffer);
  let at = 0;
  head[at++] = VERSION;
  view.setUint32(at, parts.length, true);
  at += 4;
  for (const p of parts) {
    view.setUint32(at, p.length, true);
    at += 4;
  }
  view.setUint32(at, text.length, true);
  pending.push(head, text);
  pendingBytes = head.length + text.length;
  for (const p of parts) {
    if (p.length >= SEPARATE_PART_BYTES) {
      flush();
      chunks.push(p);
    } else {
      pending.push(p);
      pendingBytes += p.length;
    }
  }
  flush();
  return chunks;
}

/**
 * `value` with every Uint8Array replaced by a marker (pushed onto `parts`), as JSON.stringify will
 * see it: toJSON applied, a Uint8Array caught before its toJSON (a Node Buffer's would make it an
 * array of numbers). Objects and arrays holding no byte array are returned as they are.
 */
function withMarkers(value: unknown, key: string, parts: Uint8Array[], depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) {
    parts.push(value);
    return { [BIN]: parts.length - 1 };
  }
  if (depth > MAX_DEPTH) throw new Error(`message nests deeper than ${MAX_DEPTH} levels (or is cyclic)`);
  let v: unknown = value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    v = (toJSON as (this: unknown, key: string) => unknown).call(value, key);
    if (typeof v !== 'object' || v === null) return v;
    if (v instanceof Uint8Array) return withMarkers(v, key, parts, depth);
  }
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = typeof x === 'object' && x !== null ? withMarkers(x, String(i), parts, depth + 1) : x;
      if (out === null && y !== x) out = v.slice(0, i);
      if (out !== null) out.push(y);
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === BIN) throw new Error(`"${BIN}" is a reserved key in RPC messages`);
    const x = o[k];
    const y = typeof x === 'object' && x !== null ? withMarkers(x, k, parts, depth + 1) : x;
    if (out === null && y !== x) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = o[keys[j]];
    }
    if (out !== null) out[k] = y;
  }
  return out ?? o;
}

/**
 * A received frame: text, one binary frame, or a binary frame in the fragments it arrived in (as
 * `ws` can hand them over, unjoined). Never throws.
 */
export function decodeFrame(data: string | Uint8Array | readonly Uint8Array[]): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return new MalformedFrame('text frame is not JSON');
    }
  }
  if (data instanceof Uint8Array) return decodeBinary([data]);
  if (data.length === 0) return new MalformedFrame('empty binary frame');
  return decodeBinary(data);
}

/**
 * The binary frame held by `chunks` (one after the other). The header and JSON must be in the
 * first chunk and each part within one chunk, as encodeFrameChunks sends them; a frame cut
 * elsewhere is joined first.
 */
function decodeBinary(chunks: readonly Uint8Array[]): unknown {
  const fail = (why: string) => new MalformedFrame(why);
  let size = 0;
  for (const c of chunks) size += c.length;
  let first = chunks[0];
  if (size < 9) return fail('binary frame too short');
  if (first.length < 9) {
    chunks = [join(chunks, size)];
    first = chunks[0];
  }
  if (first[0] !== VERSION) return fail(`unknown binary frame version ${first[0]}`);
  let view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const count = view.getUint32(1, true);
  if (count > MAX_PARTS || 5 + 4 * count + 4 > size) return fail('binary frame part count does not fit');
  if (5 + 4 * count + 4 > first.length) {
    chunks = [join(chunks, size)];
    first = chunks[0];
    view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  }
  let at = 5;
  const lengths: number[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const n = view.getUint32(at, true);
    lengths.push(n);
    total += n;
    at += 4;
  }
  const jsonLength = view.getUint32(at, true);
  at += 4;
  if (at + jsonLength + total !== size) return fail('binary frame lengths do not add up');
  if (at + jsonLength > first.length) {
    chunks = [join(chunks, size)];
    first = chunks[0];
  }
  let text: string;
  try {
    text = decoder.decode(first.subarray(at, at + jsonLength));
  } catch {
    return fail('binary frame JSON is not UTF-8');
  }
  at += jsonLength;
  // Each part from the chunk that holds it (joined once when one straddles two).
  let c = 0;
  let base = 0; // offset of chunks[c] in the frame
  const parts: Uint8Array[] = [];
  for (const n of lengths) {
    while (c < chunks.length - 1 && at >= base + chunks[c].length) {
      base += chunks[c].length;
      c++;
    }
    const chunk = chunks[c];
    if (at - base + n > chunk.length) {
      // A part across chunks: a peer that fragments its own way. Join and start again.
      return decodeBinary([join(chunks, size)]);
    }
    parts.push(part(chunk, at - base, n));
    at += n;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return fail('binary frame JSON does not parse');
  }
  return withParts(parsed, parts);
}

/** Bytes [at, at + n) of `chunk`: a plain view when large, else a copy in a buffer of its own. */
function part(chunk: Uint8Array, at: number, n: number): Uint8Array {
  if (n >= SEPARATE_PART_BYTES) return new Uint8Array(chunk.buffer, chunk.byteOffset + at, n);
  // Uint8Array's slice copies; a Node Buffer's slice would not, hence the explicit prototype.
  return Uint8Array.prototype.slice.call(chunk, at, at + n);
}

/** The parsed JSON with every marker of an existing part replaced by that part. */
function withParts(value: unknown, parts: readonly Uint8Array[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x === 'object' && x !== null) value[i] = withParts(x, parts);
    }
    return value;
  }
  const o = value as Record<string, unknown>;
  if (isMarker(o, parts.length)) return parts[o[BIN] as number];
  for (const k in o) {
    const x = o[k];
    if (typeof x !== 'object' || x === null) continue;
    const y = withParts(x, parts);
    // Defined, not assigned: a key "__proto__" (JSON.parse makes it an own property) stays data.
    if (y !== x) Object.defineProperty(o, k, { value: y, writable: true, enumerable: true, configurable: true });
  }
  return o;
}

function isMarker(value: Record<string, unknown>, parts: number): boolean {
  if (!Object.prototype.hasOwnProperty.call(value, BIN)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const i = value[BIN];
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < parts;
}

function join(chunks: readonly Uint8Array[], size = chunks.reduce((n, c) => n + c.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
