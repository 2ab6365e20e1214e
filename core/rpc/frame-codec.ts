/**
 * How an RPC message travels over a WebSocket, which carries text or bytes but not structured
 * clones. A message without byte arrays goes as one text frame of JSON. A message with byte arrays
 * goes as one binary frame: the JSON with each Uint8Array replaced by a marker {"$bin": i}, then
 * the arrays themselves, unencoded (no base64 inflation for pcapng exports and frame bytes).
 *
 * Binary layout (little-endian u32s):
 *   u8 version (1) · u32 part count n · n × u32 part length · u32 JSON length · JSON (UTF-8) · parts
 *
 * Decoding checks every length against the frame and never throws: a bad frame comes back as a
 * MalformedFrame for the RPC to answer. Markers are only honoured inside binary frames and only for
 * parts that exist; a plain object carrying the reserved key is refused when encoding, so data can
 * never be mistaken for a marker.
 */
import { MalformedFrame } from './port.ts';

const VERSION = 1;
const BIN = '$bin';
/** More parts than any message of ours has; bounds the header a peer can make us read. */
const MAX_PARTS = 65_536;

export function encodeFrame(message: unknown): string | Uint8Array {
  const parts: Uint8Array[] = [];
  const json = JSON.stringify(message, function (this: unknown, key: string, value: unknown) {
    // The holder's own value, before toJSON: a Node Buffer (a Uint8Array) has a toJSON that
    // would turn it into an array of numbers first.
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof Uint8Array) {
      parts.push(original);
      return { [BIN]: parts.length - 1 };
    }
    if (typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, BIN)) {
      throw new Error(`"${BIN}" is a reserved key in RPC messages`);
    }
    return value;
  });
  if (json === undefined) throw new Error('message is not serializable');
  if (parts.length === 0) return json;

  const head = new TextEncoder().encode(json);
  let size = 1 + 4 + 4 * parts.length + 4 + head.length;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  out[at++] = VERSION;
  view.setUint32(at, parts.length, true);
  at += 4;
  for (const p of parts) {
    view.setUint32(at, p.length, true);
    at += 4;
  }
  view.setUint32(at, head.length, true);
  at += 4;
  out.set(head, at);
  at += head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decodeFrame(data: string | Uint8Array): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return new MalformedFrame('text frame is not JSON');
    }
  }
  return decodeBinary(data);
}

function decodeBinary(data: Uint8Array): unknown {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const fail = (why: string) => new MalformedFrame(why);
  if (data.length < 9) return fail('binary frame too short');
  if (data[0] !== VERSION) return fail(`unknown binary frame version ${data[0]}`);
  const count = view.getUint32(1, true);
  if (count > MAX_PARTS || 5 + 4 * count + 4 > data.length) return fail('binary frame part count does not fit');
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
  if (at + jsonLength + total !== data.length) return fail('binary frame lengths do not add up');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(at, at + jsonLength));
  } catch {
    return fail('binary frame JSON is not UTF-8');
  }
  at += jsonLength;
  // Each part gets its own buffer: the receiver may transfer it on (main → renderer) without
  // detaching a buffer shared with the transport.
  const parts = lengths.map((n) => {
    // Uint8Array's slice copies; a Node Buffer's slice would not, hence the explicit prototype.
    const part = Uint8Array.prototype.slice.call(data, at, at + n);
    at += n;
    return part;
  });
  try {
    return JSON.parse(text, (_key, value: unknown) => (isMarker(value, parts.length) ? parts[value[BIN]] : value)) as unknown;
  } catch {
    return fail('binary frame JSON does not parse');
  }
}

function isMarker(value: unknown, parts: number): value is { [BIN]: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== BIN) return false;
  const i = (value as Record<string, unknown>)[BIN];
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < parts;
}
