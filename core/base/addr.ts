/**
 * IPv4 and MAC addresses as plain numbers: an IPv4 address is a uint32, a MAC a 48-bit integer
 * (exact in a double). Numbers keep hot paths free of allocation; strings are made only to display.
 */
export type Ipv4 = number;
export type Mac = number;

export function formatIpv4(a: Ipv4): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** Strict dotted-quad: four decimal octets 0..255 without leading signs. */
export function parseIpv4(text: string): Ipv4 | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v >>> 0;
}

export interface Cidr { readonly base: Ipv4; readonly prefix: number }

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const base = parseIpv4(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (base === null || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) return null;
  const prefix = Number(bits);
  return { base: (base & prefixMask(prefix)) >>> 0, prefix };
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function cidrContains(c: Cidr, a: Ipv4): boolean {
  return ((a & prefixMask(c.prefix)) >>> 0) === c.base;
}

export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

export function readIpv4(bytes: Uint8Array, offset: number): Ipv4 {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

export function writeIpv4(bytes: Uint8Array, offset: number, a: Ipv4): void {
  bytes[offset] = a >>> 24;
  bytes[offset + 1] = (a >>> 16) & 0xff;
  bytes[offset + 2] = (a >>> 8) & 0xff;
  bytes[offset + 3] = a & 0xff;
}

export function readMac(bytes: Uint8Array, offset: number): Mac {
  return (((bytes[offset] << 8) | bytes[offset + 1]) * 0x100000000) + readIpv4(bytes, offset + 2);
}

export function writeMac(bytes: Uint8Array, offset: number, m: Mac): void {
  const hi = Math.floor(m / 0x100000000);
  bytes[offset] = (hi >>> 8) & 0xff;
  bytes[offset + 1] = hi & 0xff;
  writeIpv4(bytes, offset + 2, m >>> 0);
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function formatMac(m: Mac): string {
  const hi = Math.floor(m / 0x100000000);
  const lo = m >>> 0;
  return `${HEX2[(hi >>> 8) & 0xff]}:${HEX2[hi & 0xff]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 0xff]}:${HEX2[(lo >>> 8) & 0xff]}:${HEX2[lo & 0xff]}`;
}

/** Six hex octets separated by ':', '-' or '.', or 12 hex digits in 3 dot groups (Cisco style). */
export function parseMac(text: string): Mac | null {
  let m = /^([0-9a-fA-F]{2})[:.-]([0-9a-fA-F]{2})[:.-]([0-9a-fA-F]{2})[:.-]([0-9a-fA-F]{2})[:.-]([0-9a-fA-F]{2})[:.-]([0-9a-fA-F]{2})$/.exec(text);
  if (m) return m.slice(1).reduce((acc, h) => acc * 256 + parseInt(h, 16), 0);
  m = /^([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})$/.exec(text);
  if (m) return parseInt(m[1] + m[2] + m[3], 16);
  return null;
}

export const BROADCAST_MAC: Mac = 0xffffffffffff;
