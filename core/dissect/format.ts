import { formatIpv4, formatMac } from '../base/addr.ts';
import { toHex } from '../base/bytes.ts';
import type { FieldDef, FieldValue } from './field.ts';

/**
 * Field values as text, the way tshark 4.0 prints them: `-T fields` and `-T json` use `display`,
 * the detail tree uses `label`. Formats were checked against tshark 4.0.17 output.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The value as `tshark -T fields` prints it (booleans as 1/0, hex padded to the field's width). */
export function formatValue(def: FieldDef, value: FieldValue): string {
  // A label-only field (FT_NONE, e.g. an expert item's field) prints as 1: it is present.
  if (def.type === 'none') return '1';
  if (value === null) return '';
  switch (def.type) {
    case 'bool':
      return value ? '1' : '0';
    case 'uint':
    case 'int':
    case 'framenum':
      return formatInteger(def, value as number);
    case 'ipv4':
      return formatIpv4(value as number);
    case 'ether':
      return formatMac(value as number);
    case 'bytes':
      return toHex(value as Uint8Array);
    case 'string':
      return value as string;
    case 'float':
      return String(value);
    case 'abs_time':
      return formatAbsTime(value as bigint);
    case 'rel_time':
      return formatRelTime(value as bigint);
    default:
      return '';
  }
}

export function formatInteger(def: FieldDef, v: number): string {
  switch (def.base) {
    case 'hex':
      return hexOf(def, v);
    case 'oct':
      return v === 0 ? '0' : `0${v.toString(8)}`;
    case 'hex_dec':
      return hexOf(def, v);
    default:
      return String(v);
  }
}

function hexOf(def: FieldDef, v: number): string {
  const digits = Math.ceil((def.bits ?? 8) / 4);
  const n = v < 0 ? v + 2 ** (def.bits ?? 32) : v;
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

/** `Nov 14, 2023 22:13:20.000000000 UTC` from nanoseconds since the epoch. */
export function formatAbsTime(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const { y, mo, d, h, mi, s } = civil(Number(sec));
  return `${MONTHS[mo - 1]} ${String(d).padStart(2, ' ')}, ${y} ${pad2(h)}:${pad2(mi)}:${pad2(s)}.${frac.toString().padStart(9, '0')} UTC`;
}

/** `1.000002000`: seconds with nine decimals. */
export function formatRelTime(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${neg ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Days-from-civil inverse (Howard Hinnant's algorithm): UTC calendar fields from epoch seconds. */
function civil(epochSec: number) {
  const days = Math.floor(epochSec / 86400);
  const rem = epochSec - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return { y, mo, d, h: Math.floor(rem / 3600), mi: Math.floor((rem % 3600) / 60), s: rem % 60 };
}

/**
 * The detail-tree label Wireshark builds by default: `Name: value`, with value strings
 * (`Type: IPv4 (0x0800)`), and for masked fields the bit pattern (`.1.. .... = Don't fragment: Set`).
 */
export function formatLabel(def: FieldDef, value: FieldValue): string {
  if (def.type === 'protocol' || def.type === 'none') return def.name;
  let shown: string;
  if (def.type === 'bool') {
    const [t, f] = def.trueFalse ?? ['Set', 'Not set'];
    shown = value ? t : f;
  } else if ((def.type === 'uint' || def.type === 'int') && def.strings) {
    const name = def.strings[value as number];
    const num = labelInteger(def, value as number);
    shown = name !== undefined ? `${name} (${num})` : `Unknown (${num})`;
  } else if (def.type === 'rel_time') {
    shown = `${formatValue(def, value)} seconds`;
  } else if (def.type === 'bytes') {
    shown = labelBytes(value as Uint8Array);
  } else if ((def.type === 'uint' || def.type === 'int') && (def.base === 'hex_dec' || def.base === 'dec_hex')) {
    // BASE_HEX_DEC labels show both: `VNI: 0x0a0b0c (658188)`; BASE_DEC_HEX the other way round.
    const hex = labelHex(def, value as number);
    shown = def.base === 'hex_dec' ? `${hex} (${String(value)})` : `${String(value)} (${hex})`;
  } else if ((def.type === 'uint' || def.type === 'int') && def.mask && (def.base === 'hex' || def.base === 'hex_dec')) {
    shown = labelHex(def, value as number);
  } else {
    shown = formatValue(def, value);
  }
  const prefix = def.mask && def.bits ? `${bitPattern(def.mask, def.bits, value as number)} = ` : '';
  return `${prefix}${def.name}: ${shown}`;
}

/**
 * Integers in labels: like `formatInteger`, except that a masked hex field gets as many digits as
 * its mask is wide (Wireshark's hfinfo_hex_digits): `Flag: Time stamp and address (0x1)`.
 */
function labelInteger(def: FieldDef, v: number): string {
  return def.base === 'hex' || def.base === 'hex_dec' ? labelHex(def, v) : formatInteger(def, v);
}

function labelHex(def: FieldDef, v: number): string {
  if (!def.mask) return hexOf(def, v);
  let low = 0;
  while (low < 53 && Math.floor(def.mask / 2 ** low) % 2 === 0) low++;
  let high = low;
  while (2 ** (high + 1) <= def.mask) high++;
  return `0x${v.toString(16).padStart(Math.ceil((high - low + 1) / 4), '0')}`;
}

/** Byte values in labels stop after 36 bytes with an ellipsis, as Wireshark's bytes_to_str does. */
function labelBytes(bytes: Uint8Array): string {
  return bytes.length > 36 ? `${toHex(bytes.subarray(0, 36))}\u2026` : toHex(bytes);
}

/** Wireshark's bit pattern: the mask's bits shown as the value's bits, others as dots, in nibbles. */
export function bitPattern(mask: number, bits: number, value: number): string {
  let shift = 0;
  let m = mask;
  while (m > 0 && m % 2 === 0) {
    m /= 2;
    shift++;
  }
  const raw = value * 2 ** shift;
  let out = '';
  for (let i = bits - 1; i >= 0; i--) {
    const bit = 2 ** i;
    const inMask = Math.floor(mask / bit) % 2 === 1;
    out += inMask ? String(Math.floor(raw / bit) % 2) : '.';
    if (i % 4 === 0 && i > 0) out += ' ';
  }
  return out;
}
