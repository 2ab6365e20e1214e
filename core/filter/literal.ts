import { parseIpv4 } from '../base/addr.ts';

/**
 * Parsers for the literal forms of the filter language, with the spellings tshark 4.0 accepts.
 * They return null (or a reason) and never throw; the semantic check turns failures into
 * tshark's messages.
 */

const MAX_U64 = (1n << 64n) - 1n;

/** An integer literal: decimal, octal `012`, hex `0x1f`, binary `0b101`. */
export function parseInteger(text: string): bigint | 'invalid' | 'overflow' {
  let digits: string;
  let radix: bigint;
  if (/^0[xX][0-9A-Fa-f]+$/.test(text)) {
    digits = text.slice(2);
    radix = 16n;
  } else if (/^0[bB][01]*$/.test(text)) {
    digits = text.slice(2) || '0';
    radix = 2n;
  } else if (/^0[0-7]*$/.test(text)) {
    digits = text;
    radix = 8n;
  } else if (/^[1-9][0-9]*$/.test(text)) {
    digits = text;
    radix = 10n;
  } else {
    return 'invalid';
  }
  let v = 0n;
  for (const d of digits) {
    v = v * radix + BigInt(parseInt(d, 16));
    if (v > MAX_U64) return 'overflow';
  }
  return v;
}

/**
 * A byte string: hex pairs separated by `:`, `-` or `.` (each group one or two digits, or four
 * with `.`), or a run of hex digits read in pairs (an odd last digit is a byte of its own).
 */
export function parseByteString(text: string): Uint8Array | null {
  if (text.length === 0) return null;
  if (/[:.-]/.test(text)) {
    const groups = text.split(/[:.-]/);
    const out: number[] = [];
    for (const g of groups) {
      if (/^[0-9A-Fa-f]{1,2}$/.test(g)) out.push(parseInt(g, 16));
      else if (/^[0-9A-Fa-f]{4}$/.test(g) && text.includes('.')) out.push(parseInt(g.slice(0, 2), 16), parseInt(g.slice(2), 16));
      else return null;
    }
    return Uint8Array.from(out);
  }
  if (!/^[0-9A-Fa-f]+$/.test(text)) return null;
  const out = new Uint8Array(Math.ceil(text.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export interface Ipv4Literal {
  readonly addr: number;
  /** Netmask as a uint32 (0xffffffff without a prefix). */
  readonly mask: number;
  readonly prefix: number;
}

export function parseIpv4Literal(text: string): Ipv4Literal | { error: 'invalid' } | { error: 'bits'; bits: string } {
  const slash = text.indexOf('/');
  const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  if (addr === null) return { error: 'invalid' };
  if (slash < 0) return { addr, mask: 0xffffffff, prefix: 32 };
  const bits = text.slice(slash + 1);
  if (!/^[0-9]+$/.test(bits)) return { error: 'invalid' };
  const prefix = Number(bits);
  if (prefix > 32) return { error: 'bits', bits };
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { addr, mask, prefix };
}

/** A relative time in seconds, `0.5` or `-3` or `10`, as nanoseconds. */
export function parseRelTime(text: string): bigint | null {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) return null;
  const frac = (m[3] ?? '').slice(0, 9).padEnd(9, '0');
  const ns = BigInt(m[2]) * 1_000_000_000n + BigInt(frac);
  return m[1] ? -ns : ns;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * An absolute time: ISO 8601 (`2020-07-04T12:34:56.5`, `T` optional, `Z` or `±hh:mm`) or the
 * legacy `Sep 26, 2004 23:18:04.954975` with an optional ` UTC`. Nanoseconds since the epoch.
 * Without a zone tshark takes local time; the lab has no local zone, so it reads UTC.
 */
export function parseAbsTime(text: string): bigint | null {
  const t = text.trim();
  let y: number, mo: number, d: number, h = 0, mi = 0, s = 0;
  let frac = '';
  let offsetMin = 0;
  let m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?)?\s*(Z|UTC|[+-][0-9]{2}:?[0-9]{2})?$/i.exec(t);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
    frac = m[7] ?? '';
    const zone = m[8];
    if (zone && /^[+-]/.test(zone)) {
      const digits = zone.replace(':', '');
      offsetMin = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * (zone[0] === '-' ? -1 : 1);
    }
  } else {
    m = /^([A-Za-z]{3})\s+([0-9]{1,2}),\s*([0-9]{4})\s+([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:\s+UTC)?$/.exec(t);
    if (!m) return null;
    mo = MONTHS.indexOf(m[1].toLowerCase()) + 1;
    if (mo === 0) return null;
    [d, y, h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
    frac = m[7] ?? '';
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const days = daysFromCivil(y, mo, d);
  const secs = BigInt(days) * 86400n + BigInt(h * 3600 + mi * 60 + s - offsetMin * 60);
  return secs * 1_000_000_000n + BigInt(frac.slice(0, 9).padEnd(9, '0'));
}

/** Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Latin-1 bytes of a filter string (one char per byte, as the scanner makes them). */
export function stringBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A 48-bit address as its six bytes. */
export function etherBytes(v: number): Uint8Array {
  const out = new Uint8Array(6);
  let x = v;
  for (let i = 5; i >= 0; i--) {
    out[i] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}

export function ipv4Bytes(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

export function bytesOfNumber(v: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = v;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}
