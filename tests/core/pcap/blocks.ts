/**
 * Hand-built pcapng and pcap bytes for the reader tests, in either byte order. Deliberately
 * independent of core/pcap's writers, so a bug in one is not mirrored by the other.
 */

export type Endian = 'le' | 'be';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u16(v: number, e: Endian): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, e === 'le');
  return b;
}

export function u32(v: number, e: Endian): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, e === 'le');
  return b;
}

export function u64(v: bigint, e: Endian): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), e === 'le');
  return b;
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function pad(b: Uint8Array): Uint8Array {
  const n = (b.length + 3) & ~3;
  if (n === b.length) return b;
  const out = new Uint8Array(n);
  out.set(b);
  return out;
}

/** One option TLV, value padded. */
export function opt(code: number, value: Uint8Array, e: Endian): Uint8Array {
  return concat(u16(code, e), u16(value.length, e), pad(value));
}

export const endOpt = (e: Endian): Uint8Array => u32(0, e);

/** A whole block: type, total length, body (padded), total length. */
export function block(type: number, body: Uint8Array, e: Endian): Uint8Array {
  const b = pad(body);
  const total = 12 + b.length;
  return concat(u32(type, e), u32(total, e), b, u32(total, e));
}

export function shb(e: Endian, options: Uint8Array = new Uint8Array(0), version: [number, number] = [1, 0]): Uint8Array {
  return block(0x0a0d0d0a, concat(u32(0x1a2b3c4d, e), u16(version[0], e), u16(version[1], e), u64(-1n, e), options), e);
}

export function idb(e: Endian, linkType: number, snapLen: number, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(1, concat(u16(linkType, e), u16(0, e), u32(snapLen, e), options), e);
}

export function epb(e: Endian, ifId: number, ts: bigint, data: Uint8Array, options: Uint8Array = new Uint8Array(0), origLen = data.length): Uint8Array {
  return block(6, concat(u32(ifId, e), u32(Number(ts >> 32n), e), u32(Number(ts & 0xffffffffn), e), u32(data.length, e), u32(origLen, e), pad(data), options), e);
}

export function spb(e: Endian, origLen: number, data: Uint8Array): Uint8Array {
  return block(3, concat(u32(origLen, e), pad(data)), e);
}

export function pb(e: Endian, ifId: number, ts: bigint, data: Uint8Array, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(2, concat(u16(ifId, e), u16(0, e), u32(Number(ts >> 32n), e), u32(Number(ts & 0xffffffffn), e), u32(data.length, e), u32(data.length, e), pad(data), options), e);
}

/** A classic pcap file header. */
export function pcapHeader(e: Endian, nanos: boolean, linkType: number, snapLen = 262144, version: [number, number] = [2, 4]): Uint8Array {
  return concat(u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4, e), u16(version[0], e), u16(version[1], e), u32(0, e), u32(0, e), u32(snapLen, e), u32(linkType, e));
}

export function pcapRecord(e: Endian, sec: number, frac: number, data: Uint8Array, origLen = data.length): Uint8Array {
  return concat(u32(sec, e), u32(frac, e), u32(data.length, e), u32(origLen, e), data);
}

/** Bytes 0, 1, 2 … n-1 (mod 256), recognisable in failures. */
export function seq(n: number, start = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
